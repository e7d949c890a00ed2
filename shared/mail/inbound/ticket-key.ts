/**
 * Ticket keys are `<PREFIX>-<n>` with an uppercase letter/digit prefix (e.g. `DEMO-42`), and our
 * outgoing subjects carry them in square brackets. Only the bracketed form counts: a bare
 * "ISO-9001" in a customer's subject must not thread a mail onto some ticket.
 */
const KEYS_IN_BRACKETS = /\[([A-Z0-9]{1,20})-([0-9]{1,12})\]/g;

/** The first `[KEY-n]` in the subject, or undefined. */
export function ticketKeyInSubject(subject: string | undefined): string | undefined {
  if (!subject) return undefined;
  for (const [, prefix, number] of subject.matchAll(KEYS_IN_BRACKETS)) {
    // A digits-only prefix ("[2024-11]") is a date or a reference number, not one of our keys.
    if (prefix && /[A-Z]/.test(prefix)) return `${prefix}-${number}`;
  }
  return undefined;
}
