import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The per-ticket reply address (CONTRACT section 7): replies are threaded by it before
 * anything else, so it must be unforgeable. Its token is the ticket id (or a third-party
 * wait id) with an HMAC under the tenant's own mail secret: nobody can make one for a
 * ticket they were not mailed about, and one tenant's secret proves nothing for another.
 *
 * Shape: `<mailbox>+<kind><id>.<mac>@<domain>` on the tenant's support address, so replies
 * go where the tenant already routes its support mail (`t` ticket, `w` third-party wait).
 */
export type ThreadRef = { readonly kind: 'ticket'; readonly id: string } | { readonly kind: 'wait'; readonly ticketId: string; readonly id: string };

const MAC_CHARS = 16;

const mac = (secret: string, tenantId: string, what: string) =>
  createHmac('sha256', secret).update(`${tenantId}\n${what}`).digest('base64url').replace(/[-_]/g, '').slice(0, MAC_CHARS).toLowerCase();

const subject = (ref: ThreadRef) => (ref.kind === 'ticket' ? `t${ref.id}` : `w${ref.ticketId}.${ref.id}`);

export function replyAddress(supportAddress: string, secret: string, tenantId: string, ref: ThreadRef): string {
  const at = supportAddress.lastIndexOf('@');
  const mailbox = supportAddress.slice(0, at).split('+')[0];
  const token = `${subject(ref).toLowerCase()}.${mac(secret, tenantId, subject(ref).toLowerCase())}`;
  return `${mailbox}+${token}${supportAddress.slice(at)}`;
}

/** The thread a recipient address names, if its token is genuine for this tenant; null otherwise. */
export function threadOfAddress(address: string, secret: string, tenantId: string): ThreadRef | null {
  const local = address.slice(0, address.lastIndexOf('@'));
  const plus = local.indexOf('+');
  if (plus < 0) return null;
  const token = local.slice(plus + 1).toLowerCase();
  const dot = token.lastIndexOf('.');
  const body = token.slice(0, dot);
  const given = token.slice(dot + 1);
  const expected = mac(secret, tenantId, body);
  if (dot < 0 || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
  if (body.startsWith('t')) return { kind: 'ticket', id: body.slice(1).toUpperCase() };
  if (body.startsWith('w')) {
    const [ticketId, id] = body.slice(1).split('.');
    return ticketId && id ? { kind: 'wait', ticketId: ticketId.toUpperCase(), id: id.toUpperCase() } : null;
  }
  return null;
}

/** The support mailbox an address belongs to (`support+t01…@acme.example` → `support@acme.example`). */
export function mailboxOf(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at).split('+')[0]}${address.slice(at)}`.toLowerCase();
}
