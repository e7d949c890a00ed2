/**
 * Third-party waits (CONTRACT section 4; seeds 000 `099-MICROSOFT`, 003 `externe-partij`,
 * 004 `en-attente-tiers`): the ticket waits on a vendor, who answers through a callback
 * URL without an account. The URL's token names tenant, ticket and wait and carries a
 * secret that is stored only as its SHA-256 (it has 256 random bits: a fast hash suffices),
 * compared in constant time. It is never a Step Functions task token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const THIRD_PARTY_OUTCOMES = ['update', 'solved', 'needs-info'] as const;
export type ThirdPartyOutcome = (typeof THIRD_PARTY_OUTCOMES)[number];

export interface ThirdPartyWait {
  readonly id: string;
  readonly party: string;
  readonly reference: string;
  /** Where the request went by mail (section 7), if anywhere. */
  readonly email: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** `answered`: a solved / needs-info answer ended it; `ended`: the ticket left the wait without one. */
  readonly state: 'waiting' | 'answered';
  readonly answeredAt: string | null;
  /** The status the ticket was in before the wait (provider: where an answer returns it). */
  readonly enteredFrom: string | null;
  /** SHA-256 of the callback secret. */
  readonly secretHash: string;
  /** Digests of the answers received, so the same answer delivered twice counts once. */
  readonly answers: readonly string[];
}

/** What the API shows of a wait (never the secret or its hash). */
export type ThirdPartyWaitView = Omit<ThirdPartyWait, 'secretHash' | 'answers' | 'state'> & { readonly state: WaitState };

export type WaitState = 'waiting' | 'answered' | 'ended' | 'expired';

/** Where a wait stands: the ticket's own category decides whether it still waits at all. */
export function waitState(wait: ThirdPartyWait, ticketCategory: string, now: Date): WaitState {
  if (wait.state === 'answered') return 'answered';
  if (ticketCategory !== 'waiting_third_party') return 'ended';
  if (now.getTime() >= Date.parse(wait.expiresAt)) return 'expired';
  return 'waiting';
}

export const viewOf = (wait: ThirdPartyWait, ticketCategory: string, now: Date): ThirdPartyWaitView => {
  const { secretHash: _secret, answers: _answers, ...shown } = wait;
  return { ...shown, state: waitState(wait, ticketCategory, now) };
};

/** A new secret and its hash. */
export function newSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashOf(secret) };
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashOf(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `<tenant, base64url>.<ticket id>.<wait id>.<secret>`: what the callback URL carries. */
export function callbackToken(ref: { tenantId: string; ticketId: string; waitId: string }, secret: string): string {
  return [Buffer.from(ref.tenantId).toString('base64url'), ref.ticketId, ref.waitId, secret].join('.');
}

export function parseCallbackToken(token: string): { tenantId: string; ticketId: string; waitId: string; secret: string } | null {
  const parts = token.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return null;
  const [tenant, ticketId, waitId, secret] = parts as [string, string, string, string];
  return { tenantId: Buffer.from(tenant, 'base64url').toString(), ticketId, waitId, secret };
}

/** The same answer (outcome and text) has the same digest. */
export const answerDigest = (outcome: ThirdPartyOutcome, message: string) => createHash('sha256').update(`${outcome}\n${message}`).digest('hex');
