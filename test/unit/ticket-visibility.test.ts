import { describe, expect, it } from 'vitest';
import { STAFF_ROLES, type Caller } from '../../shared/domain/identity';
import { canSee } from '../../shared/domain/ticket';
import { aTicket, caller } from './fakes';

// Requested by alice of company globex.
const ticket = aTicket({ requester: { id: 'alice', email: 'alice@globex.example', org: 'globex' } });

describe('canSee', () => {
  it.each(STAFF_ROLES)('shows every ticket of the tenant to %s, whatever orgVisibility says', (role) => {
    expect(canSee(caller(role, { org: null }), ticket, false)).toBe(true);
    expect(canSee(caller(role, { org: 'initech' }), ticket, true)).toBe(true);
  });

  it('shows the requester their own ticket with or without orgVisibility', () => {
    const alice = caller('customer', { sub: 'alice', org: 'globex' });
    expect(canSee(alice, ticket, false)).toBe(true);
    expect(canSee(alice, ticket, true)).toBe(true);
    // Even when the requester has no company any more.
    expect(canSee(caller('customer', { sub: 'alice', org: null }), ticket, false)).toBe(true);
  });

  it('shows a colleague of the same company the ticket only when orgVisibility is on', () => {
    const bob = caller('customer', { sub: 'bob', org: 'globex' });
    expect(canSee(bob, ticket, true)).toBe(true);
    expect(canSee(bob, ticket, false)).toBe(false);
  });

  it('never shows the ticket to a customer of another company', () => {
    const carol = caller('customer', { sub: 'carol', org: 'initech' });
    expect(canSee(carol, ticket, true)).toBe(false);
    expect(canSee(carol, ticket, false)).toBe(false);
  });

  it('does not treat "no company" as a company: org-less customers never see each other’s tickets', () => {
    const orphanTicket = aTicket({ requester: { id: 'alice', email: null, org: null } });
    const dave = caller('customer', { sub: 'dave', org: null });
    expect(canSee(dave, orphanTicket, true)).toBe(false);
  });

  it('shows finance no ticket data at all, not even with a matching sub or org', () => {
    const finance: Caller = { sub: 'alice', tenantId: null, role: 'finance', org: 'globex', email: null, locale: null };
    expect(canSee(finance, ticket, true)).toBe(false);
    expect(canSee(finance, ticket, false)).toBe(false);
  });
});
