import { describe, expect, it } from 'vitest';
import { ticketKeyInSubject } from '../../../shared/mail/inbound/index.js';

describe('ticketKeyInSubject', () => {
  it('finds a bracketed key anywhere in the subject', () => {
    expect(ticketKeyInSubject('Re: [DEMO-42] Printer')).toBe('DEMO-42');
    expect(ticketKeyInSubject('AW: WG: Printer [ACME2-7]')).toBe('ACME2-7');
    expect(ticketKeyInSubject('Réponse automatique : [X-1]')).toBe('X-1');
  });

  it('takes the first key when there are several', () => {
    expect(ticketKeyInSubject('[DEMO-1] merged into [DEMO-2]')).toBe('DEMO-1');
  });

  it('ignores unbracketed, lower-case, digit-only and malformed keys', () => {
    expect(ticketKeyInSubject('Re: DEMO-42 Printer')).toBeUndefined();
    expect(ticketKeyInSubject('Re: [demo-42] Printer')).toBeUndefined();
    expect(ticketKeyInSubject('Invoice [2024-11]')).toBeUndefined();
    expect(ticketKeyInSubject('[DEMO-] [DEMO 42] [-42] [DEMO-4a]')).toBeUndefined();
    expect(ticketKeyInSubject('')).toBeUndefined();
    expect(ticketKeyInSubject(undefined)).toBeUndefined();
  });

  it('skips a digit-only bracket to find the key after it', () => {
    expect(ticketKeyInSubject('[2024-11] invoice, see [DEMO-9]')).toBe('DEMO-9');
  });
});
