import type { WorkflowDefinition } from '../domain/workflow';
import { moves, status } from './preset-helpers';

/**
 * Seed 004 (a Jira service-desk partner's rules). Work starts in en-cours; the team
 * waits on the customer, a third party or a planned operation; a relevant answer
 * closes the ticket (fermee, resolution `consulting` for consulting needs); the
 * customer may reopen to en-cours at any time. Untouched waits on the customer get
 * reminders after 3 and 6 days and close after 12 (still reopenable).
 */
const WAITS = ['en-attente-client', 'en-attente-tiers', 'operation-planifiee'];

export const JIRA_PARTNER: WorkflowDefinition = {
  id: 'jira-partner',
  statuses: [
    status('soumise', 'new', 'Submitted', 'Ingediend', 'Soumise'),
    status('en-cours', 'active', 'In progress', 'In behandeling', 'En cours'),
    status('en-attente-client', 'waiting_customer', 'Waiting for customer', 'Wacht op klant', 'En attente du client'),
    status('en-attente-tiers', 'waiting_third_party', 'Waiting for third party', 'Wacht op derde partij', 'En attente d’un tiers'),
    status('operation-planifiee', 'scheduled', 'Scheduled operation', 'Geplande operatie', 'Opération planifiée'),
    status('resolue', 'resolved', 'Resolved', 'Opgelost', 'Résolue'),
    status('fermee', 'closed', 'Closed', 'Gesloten', 'Fermée'),
  ],
  transitions: [
    ...moves('soumise', ['en-cours', 'fermee', ...WAITS]),
    ...moves('en-cours', [...WAITS, 'resolue', 'fermee']),
    ...moves(WAITS, ['en-cours', 'resolue', 'fermee']),
    ...moves(WAITS, WAITS),
    ...moves('resolue', ['en-cours', 'fermee']),
    ...moves('fermee', 'en-cours'),
  ],
  rules: {
    draftStatus: null,
    onSubmit: 'soumise',
    onCustomerReply: { 'en-attente-client': 'en-cours' },
    onCustomerConfirm: { resolue: 'fermee' },
    onCustomerReopen: { from: ['resolue', 'fermee'], to: 'en-cours', windowDays: null },
    untouched: { statuses: ['en-attente-client'], remindAfterDays: [3, 6], closeAfterDays: 12, to: 'fermee' },
    onThirdPartyReply: { to: 'en-cours' },
    notifications: { onCreate: 'except-portal' },
  },
};
