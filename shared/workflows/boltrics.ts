import type { WorkflowDefinition } from '../domain/workflow';
import { moves, status } from './preset-helpers';

/**
 * Seed 000 (Boltrics support workflow). Submission lands in 010-SUBMITTED and the
 * lifecycle moves it on its own to 012-NEW with a confirmation mail. Intake asks the
 * customer (013) and reviews the answer (014); a customer answer or reopen lands in
 * 017-REOPENED; 045 waits on the customer's test and closes on its own after the
 * feedback period; 050 can be reopened within 30 days.
 */
const ACTIVE_WORK = ['017-REOPENED', '020-ASSIGNED', '025-HANDOVER', '030-ANALYSIS', '031-INTERNAL', '040-SOLUTION'];

export const BOLTRICS: WorkflowDefinition = {
  id: 'boltrics',
  statuses: [
    status('005-WIZARD', 'draft', 'Wizard in progress', 'Wizard bezig', 'Assistant en cours'),
    status('010-SUBMITTED', 'new', 'Submitted', 'Ingediend', 'Soumis'),
    status('012-NEW', 'new', 'New', 'Nieuw', 'Nouveau'),
    status('013-INTAKE', 'waiting_customer', 'Intake: information needed', 'Intake: informatie nodig', 'Intake : informations requises'),
    status('014-INTAKEREVIEW', 'active', 'Intake review', 'Intake-beoordeling', 'Revue de l’intake'),
    status('016-READY', 'new', 'Ready for assignment', 'Klaar voor toewijzing', 'Prêt pour affectation'),
    status('017-REOPENED', 'active', 'New reply from customer', 'Nieuwe reactie van klant', 'Nouvelle réponse du client'),
    // "Assigned to resource": nobody enters it without the resource (seed 000).
    { ...status('020-ASSIGNED', 'active', 'Assigned to resource', 'Toegewezen aan consultant', 'Affecté à un consultant'), requires: ['assignee'] },
    status('025-HANDOVER', 'active', 'Handover', 'Overdracht', 'Transfert'),
    status('030-ANALYSIS', 'active', 'Problem analysis', 'Probleemanalyse', 'Analyse du problème'),
    status('031-INTERNAL', 'active', 'Internal investigation', 'Intern onderzoek', 'Investigation interne'),
    status('035-INFO-NEEDED', 'waiting_customer', 'Information needed', 'Informatie nodig', 'Informations requises'),
    status('040-SOLUTION', 'active', 'Implement solution', 'Oplossing implementeren', 'Mise en œuvre de la solution'),
    status('045-TEST-CUSTOMER', 'resolved', 'Test for customer', 'Test door klant', 'Test par le client'),
    status('050-CLOSED', 'closed', 'Problem solved / no feedback provided', 'Opgelost / geen feedback', 'Résolu / pas de retour'),
    status('099-MICROSOFT', 'waiting_third_party', 'Registered to Microsoft', 'Aangemeld bij Microsoft', 'Transmis à Microsoft'),
  ],
  transitions: [
    ...moves('010-SUBMITTED', '012-NEW'),
    // initial review: complete and in scope → ready; missing information → intake; out of scope → closed
    ...moves('012-NEW', ['016-READY', '013-INTAKE', '050-CLOSED']),
    ...moves('013-INTAKE', ['014-INTAKEREVIEW', '050-CLOSED']),
    ...moves('014-INTAKEREVIEW', ['016-READY', '013-INTAKE']),
    ...moves('016-READY', ['020-ASSIGNED', '030-ANALYSIS']),
    // the working statuses: a consultant moves freely between them
    ...moves(ACTIVE_WORK, ACTIVE_WORK),
    ...moves(ACTIVE_WORK, ['035-INFO-NEEDED', '045-TEST-CUSTOMER', '099-MICROSOFT', '050-CLOSED']),
    ...moves('035-INFO-NEEDED', ['017-REOPENED', '030-ANALYSIS', '050-CLOSED']),
    ...moves('099-MICROSOFT', ['030-ANALYSIS', '040-SOLUTION', '045-TEST-CUSTOMER']),
    ...moves('045-TEST-CUSTOMER', ['017-REOPENED', '050-CLOSED']),
    ...moves('050-CLOSED', '017-REOPENED'),
  ],
  rules: {
    draftStatus: '005-WIZARD',
    onSubmit: '010-SUBMITTED',
    autoAdvance: { '010-SUBMITTED': '012-NEW' },
    onCustomerReply: { '013-INTAKE': '014-INTAKEREVIEW', '035-INFO-NEEDED': '017-REOPENED', '045-TEST-CUSTOMER': '017-REOPENED' },
    onCustomerConfirm: { '045-TEST-CUSTOMER': '050-CLOSED' },
    onCustomerReopen: { from: ['045-TEST-CUSTOMER', '050-CLOSED'], to: '017-REOPENED', windowDays: 30 },
    feedbackTimeout: { from: ['045-TEST-CUSTOMER'], to: '050-CLOSED' },
    onThirdPartyReply: { to: '030-ANALYSIS' },
    notifications: { onCreate: 'always' },
  },
};
