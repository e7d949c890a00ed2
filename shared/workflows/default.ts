import { STAFF_ROLES } from '../domain/identity';
import type { WorkflowDefinition } from '../domain/workflow';

const staff = [...STAFF_ROLES];
const everyone = [...STAFF_ROLES, 'customer' as const];

/**
 * The built-in default: the classic help-desk flow users of Zendesk or Jira
 * Service Management know (new → open → pending/on-hold → solved → closed).
 */
export const DEFAULT_WORKFLOW: WorkflowDefinition = {
  id: 'default',
  statuses: [
    { id: 'draft', category: 'draft', labels: { en: 'Draft', nl: 'Concept', fr: 'Brouillon' } },
    { id: 'new', category: 'new', labels: { en: 'New', nl: 'Nieuw', fr: 'Nouveau' } },
    { id: 'open', category: 'active', labels: { en: 'Open', nl: 'Open', fr: 'Ouvert' } },
    { id: 'pending', category: 'waiting_customer', labels: { en: 'Waiting on customer', nl: 'Wacht op klant', fr: 'En attente du client' } },
    { id: 'on-hold', category: 'waiting_third_party', labels: { en: 'Waiting on third party', nl: 'Wacht op derde partij', fr: "En attente d'un tiers" } },
    { id: 'scheduled', category: 'scheduled', labels: { en: 'Scheduled', nl: 'Ingepland', fr: 'Planifié' } },
    { id: 'solved', category: 'resolved', labels: { en: 'Solved', nl: 'Opgelost', fr: 'Résolu' } },
    { id: 'closed', category: 'closed', labels: { en: 'Closed', nl: 'Gesloten', fr: 'Fermé' } },
    { id: 'cancelled', category: 'cancelled', labels: { en: 'Cancelled', nl: 'Geannuleerd', fr: 'Annulé' } },
  ],
  transitions: [
    { from: 'new', to: 'open', roles: staff },
    { from: 'new', to: 'pending', roles: staff },
    { from: 'new', to: 'solved', roles: staff },
    { from: 'new', to: 'cancelled', roles: staff },
    { from: 'open', to: 'pending', roles: staff },
    { from: 'open', to: 'on-hold', roles: staff },
    { from: 'open', to: 'scheduled', roles: staff },
    { from: 'open', to: 'solved', roles: staff },
    { from: 'open', to: 'cancelled', roles: staff },
    { from: 'pending', to: 'open', roles: staff },
    { from: 'pending', to: 'solved', roles: staff },
    { from: 'on-hold', to: 'open', roles: staff },
    { from: 'scheduled', to: 'open', roles: staff },
    { from: 'scheduled', to: 'solved', roles: staff },
    { from: 'solved', to: 'open', roles: everyone },
    { from: 'solved', to: 'closed', roles: everyone },
    { from: 'closed', to: 'open', roles: staff },
  ],
  rules: {
    onSubmit: 'new',
    draftStatus: 'draft',
    onCustomerReply: { pending: 'open' },
    onCustomerConfirm: { solved: 'closed' },
    onCustomerReopen: { from: ['solved', 'closed'], to: 'open', windowDays: 30 },
    onThirdPartyReply: { to: 'open' },
    notifications: { onCreate: 'except-portal' },
  },
};
