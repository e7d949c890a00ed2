import type { WorkflowDefinition } from '../domain/workflow';
import { moves, status } from './preset-helpers';

/**
 * Seed 003 (A.i. Servicedesk, Assu®). On "opgelost" — also "solved in the coming
 * update" and "waiting for update" — the customer closes ("Sluiten") or sends it
 * "back to active" (actief). Support cancels in consultation with the customer.
 * A resolution-time breach moves the ticket to geescaleerd.
 */
const WORKING = ['in-behandeling', 'actief', 'geescaleerd', 'applicatiebeheer', 'functioneel-beheer'];
const SOLVED = ['opgelost', 'opgelost-komende-update', 'wachtend-op-update'];

export const ASSU: WorkflowDefinition = {
  id: 'assu',
  statuses: [
    status('wachtend-op-ondersteuning', 'new', 'Waiting for support', 'Wachtend op ondersteuning', 'En attente du support'),
    status('in-behandeling', 'active', 'In progress', 'In behandeling', 'En cours de traitement'),
    status('actief', 'active', 'Active again', 'Actief', 'Actif'),
    status('wachtend-op-klant', 'waiting_customer', 'Waiting for customer', 'Wachtend op klant', 'En attente du client'),
    status('ingepland', 'scheduled', 'Scheduled in the agenda', 'Ingepland in agenda', 'Planifié'),
    status('opgelost', 'resolved', 'Solved', 'Opgelost', 'Résolu'),
    status('gesloten', 'closed', 'Closed', 'Gesloten', 'Fermé'),
    status('geannuleerd', 'cancelled', 'Cancelled', 'Geannuleerd', 'Annulé'),
    status('geescaleerd', 'active', 'Escalated', 'Geëscaleerd', 'Escaladé'),
    status('applicatiebeheer', 'active', 'In progress: application management', 'In behandeling applicatiebeheer', 'En cours : gestion applicative'),
    status('externe-partij', 'waiting_third_party', 'In progress: external party', 'In behandeling externe partij', 'En cours : partie externe'),
    status('opgelost-komende-update', 'resolved', 'Solved in the coming update', 'Opgelost komende update', 'Résolu dans la prochaine mise à jour'),
    status('wachtend-op-update', 'resolved', 'Waiting for update', 'Wachtend op update', 'En attente de mise à jour'),
    status('functioneel-beheer', 'active', 'In progress: functional management', 'In behandeling functioneel beheer', 'En cours : gestion fonctionnelle'),
  ],
  transitions: [
    ...moves('wachtend-op-ondersteuning', ['in-behandeling', 'wachtend-op-klant', 'geannuleerd', 'functioneel-beheer']),
    ...moves(WORKING, WORKING),
    ...moves(WORKING, ['wachtend-op-klant', 'ingepland', 'externe-partij', ...SOLVED, 'geannuleerd']),
    ...moves(['wachtend-op-klant', 'ingepland', 'externe-partij'], ['in-behandeling', 'geannuleerd', ...SOLVED]),
    ...moves('opgelost-komende-update', 'wachtend-op-update'),
    ...moves(SOLVED, 'actief'),
  ],
  rules: {
    draftStatus: null,
    onSubmit: 'wachtend-op-ondersteuning',
    onCustomerReply: { 'wachtend-op-klant': 'in-behandeling' },
    onCustomerConfirm: { opgelost: 'gesloten', 'opgelost-komende-update': 'gesloten', 'wachtend-op-update': 'gesloten' },
    // The customer closes a ticket only when it is truly solved: there is no reopen after gesloten.
    onCustomerReopen: { from: SOLVED, to: 'actief', windowDays: 0 },
    onResolutionBreach: 'geescaleerd',
    onThirdPartyReply: { to: 'in-behandeling' },
    notifications: { onCreate: 'except-portal' },
  },
};
