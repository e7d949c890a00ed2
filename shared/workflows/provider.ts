import type { TicketType, WorkflowDefinition } from '../domain/workflow';
import { moves, status } from './preset-helpers';

/**
 * Seed 002 (a platform provider's support flow). Bugs: open → pending evaluation →
 * evaluated → scheduled → testing & staging → QA → release → monitor → closed.
 * Feature, custom and integration requests: evaluation → scoping → development
 * scheduled → the same testing, QA, release, monitor and close steps. Severity sets
 * the resolution target (the preset's SLA defaults).
 */
const BUGS: readonly TicketType[] = ['bug', 'incident', 'question'];
const REQUESTS: readonly TicketType[] = ['feature', 'custom', 'integration'];
const SHARED_TAIL = ['testing-staging', 'qa-testing', 'release', 'monitor', 'closed'];

export const PROVIDER: WorkflowDefinition = {
  id: 'provider',
  statuses: [
    status('open', 'new', 'Open', 'Open', 'Ouvert'),
    status('pending-evaluation', 'active', 'Pending evaluation', 'Wacht op evaluatie', 'En attente d’évaluation'),
    status('evaluated', 'active', 'Evaluated', 'Geëvalueerd', 'Évalué'),
    status('scheduled', 'scheduled', 'Fix scheduled', 'Oplossing ingepland', 'Correctif planifié'),
    status('evaluation', 'new', 'Evaluation', 'Evaluatie', 'Évaluation'),
    status('scoping', 'active', 'Scoping', 'Afbakening', 'Cadrage'),
    status('development-scheduled', 'scheduled', 'Development scheduled', 'Ontwikkeling ingepland', 'Développement planifié'),
    status('testing-staging', 'active', 'Testing & staging', 'Testen & staging', 'Tests & préproduction'),
    status('qa-testing', 'active', 'QA testing', 'QA-test', 'Tests QA'),
    status('release', 'active', 'Release', 'Release', 'Mise en production'),
    status('monitor', 'resolved', 'Monitor', 'Monitoren', 'Surveillance'),
    status('closed', 'closed', 'Closed', 'Gesloten', 'Fermé'),
  ],
  transitions: [
    ...moves('open', 'pending-evaluation', undefined, BUGS),
    ...moves('pending-evaluation', 'evaluated', undefined, BUGS),
    ...moves('evaluated', ['scheduled', 'testing-staging'], undefined, BUGS),
    ...moves('scheduled', 'testing-staging', undefined, BUGS),
    ...moves('evaluation', 'scoping', undefined, REQUESTS),
    ...moves('scoping', 'development-scheduled', undefined, REQUESTS),
    ...moves('development-scheduled', 'testing-staging', undefined, REQUESTS),
    // the shared tail, in order; a failed test goes back to testing
    ...SHARED_TAIL.slice(0, -1).flatMap((from, i) => moves(from, SHARED_TAIL[i + 1]!)),
    ...moves(['qa-testing', 'release', 'monitor'], 'testing-staging'),
    // "released immediately": a fix may skip staging
    ...moves('evaluated', 'release', undefined, BUGS),
  ],
  rules: {
    draftStatus: null,
    onSubmit: 'open',
    onSubmitByType: { feature: 'evaluation', custom: 'evaluation', integration: 'evaluation' },
    onCustomerReply: {},
    onCustomerConfirm: { monitor: 'closed' },
    onCustomerReopen: { from: ['monitor'], to: 'testing-staging', windowDays: 0 },
    // back where the wait was entered from
    onThirdPartyReply: { to: null },
    notifications: { onCreate: 'except-portal' },
  },
};
