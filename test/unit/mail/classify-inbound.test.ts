import { describe, expect, it } from 'vitest';
import { classifyInbound, isVacationSubject, type ClassifyInput } from '../../../shared/mail/inbound/index.js';

const human = (over: Partial<ClassifyInput> = {}): ClassifyInput => ({
  headers: { 'message-id': '<abc@example.com>' },
  from: 'pat@example.com',
  subject: 'Re: [DEMO-42] Printer on floor 3 is offline',
  contentType: 'text/plain; charset=utf-8',
  ...over,
});
const withHeaders = (headers: Record<string, string>, over: Partial<ClassifyInput> = {}) =>
  human({ headers: { 'message-id': '<abc@example.com>', ...headers }, ...over });
const reason = (input: ClassifyInput, ours = {}) => {
  const c = classifyInbound(input, ours);
  return c.kind === 'ignored' ? c.reason : 'reply';
};

describe('classifyInbound', () => {
  it('takes an ordinary reply as a human reply', () => {
    expect(classifyInbound(human())).toEqual({ kind: 'reply', reason: 'human' });
  });

  it('ignores Auto-Submitted other than "no", parameters and comments included', () => {
    expect(reason(withHeaders({ 'auto-submitted': 'auto-replied' }))).toBe('auto-submitted');
    expect(reason(withHeaders({ 'auto-submitted': 'Auto-Generated' }))).toBe('auto-submitted');
    expect(reason(withHeaders({ 'auto-submitted': 'auto-replied (vacation)' }))).toBe('auto-submitted');
    expect(reason(withHeaders({ 'auto-submitted': 'no' }))).toBe('reply');
    expect(reason(withHeaders({ 'auto-submitted': ' No (human) ' }))).toBe('reply');
  });

  it('ignores Precedence bulk, junk and list but not other values', () => {
    for (const value of ['bulk', 'junk', 'list', 'Bulk']) expect(reason(withHeaders({ precedence: value }))).toBe('precedence-bulk');
    expect(reason(withHeaders({ precedence: 'first-class' }))).toBe('reply');
  });

  it('ignores X-Autoreply and X-Auto-Response-Suppress', () => {
    expect(reason(withHeaders({ 'x-autoreply': 'yes' }))).toBe('x-autoreply');
    expect(reason(withHeaders({ 'x-autorespond': 'Thanks for your mail' }))).toBe('x-autoreply');
    expect(reason(withHeaders({ 'x-auto-response-suppress': 'All' }))).toBe('auto-response-suppress');
  });

  it('ignores list mail by List-Id or List-Unsubscribe', () => {
    expect(reason(withHeaders({ 'list-id': '<facilities.lists.example.com>' }))).toBe('list-mail');
    expect(reason(withHeaders({ 'list-unsubscribe': '<mailto:leave@lists.example.com>' }))).toBe('list-mail');
  });

  it('tells read receipts from delivery reports', () => {
    expect(reason(human({ contentType: 'multipart/report; report-type=disposition-notification; boundary="x"' }))).toBe('read-receipt');
    expect(reason(human({ contentType: 'multipart/report; boundary="x"; report-type="disposition-notification"' }))).toBe('read-receipt');
    expect(reason(human({ contentType: 'message/disposition-notification' }))).toBe('read-receipt');
    expect(reason(human({ contentType: 'Multipart/Report; report-type=delivery-status; boundary="x"' }))).toBe('delivery-report');
  });

  it('does not take a request for a read receipt for a receipt', () => {
    expect(reason(withHeaders({ 'disposition-notification-to': 'pat@example.com' }))).toBe('reply');
  });

  it('ignores mailer-daemon and postmaster senders, whatever their domain or case', () => {
    expect(reason(human({ from: 'MAILER-DAEMON@mx.example.com' }))).toBe('mailer-daemon');
    expect(reason(human({ from: 'postmaster@example.org' }))).toBe('mailer-daemon');
    expect(reason(human({ from: 'postmaster-team@example.org' }))).toBe('reply');
  });

  it('recognises vacation replies by header and by localized subject', () => {
    expect(reason(withHeaders({ 'x-apple-action': 'VACATION' }))).toBe('vacation-header');
    for (const subject of [
      'Out of Office: Re: [DEMO-42] Printer',
      'Out of office',
      'Automatic reply: [DEMO-42] Printer',
      'Autoreply: Printer',
      'Auto reply: Nyaan',
      'Afwezig: Re: [DEMO-42] Printer',
      'Automatisch antwoord: Printer',
      'Absent : Re: [DEMO-42] Printer',
      'Réponse automatique : Printer',
      'Abwesenheitsnotiz: Printer',
      'Automatische Antwort: Printer',
    ]) {
      expect(reason(human({ subject })), subject).toBe('vacation-subject');
    }
  });

  it('does not take human subjects that merely contain a vacation word for vacation replies', () => {
    for (const subject of ['Re: [DEMO-42] Out of office printer', 'Absentee list for Monday', 'Re: Automatic replies are broken', 'Autoreplying rules']) {
      expect(isVacationSubject(subject), subject).toBe(false);
      expect(reason(human({ subject })), subject).toBe('reply');
    }
  });

  describe('our own mail coming back', () => {
    const ours = {
      supportAddresses: ['Support@Demo.Ticketflow.test'],
      messageIdDomain: 'mail.ticketflow.test',
      sentMessageIds: new Set(['<sent-1@elsewhere.example>']),
      markerHeader: 'X-Ticketflow-Ticket',
    };

    it('is anything From the tenant support address', () => {
      expect(reason(human({ from: 'support@demo.ticketflow.test' }), ours)).toBe('own-mail');
    });

    it('is auto-generated mail with our Message-ID domain, a Message-ID we sent, or our header', () => {
      expect(reason(withHeaders({ 'auto-submitted': 'auto-generated', 'message-id': '<01JH8@mail.ticketflow.test>' }), ours)).toBe('own-mail');
      expect(reason(withHeaders({ 'auto-submitted': 'auto-generated', 'message-id': '<sent-1@elsewhere.example>' }), ours)).toBe('own-mail');
      expect(reason(withHeaders({ 'auto-submitted': 'auto-generated', 'x-ticketflow-ticket': 'DEMO-42' }), ours)).toBe('own-mail');
    });

    it('needs Auto-Submitted: auto-generated together with our id or header', () => {
      expect(reason(withHeaders({ 'message-id': '<01JH8@mail.ticketflow.test>' }), ours)).toBe('reply');
      expect(reason(withHeaders({ 'x-ticketflow-ticket': 'DEMO-42' }), ours)).toBe('reply');
      expect(reason(withHeaders({ 'auto-submitted': 'auto-generated' }), ours)).toBe('auto-submitted');
    });
  });

  it('records the most specific reason when several rules apply', () => {
    const dsn = withHeaders(
      { 'auto-submitted': 'auto-replied', precedence: 'bulk' },
      { from: 'MAILER-DAEMON@mx.example.com', contentType: 'multipart/report; report-type=delivery-status' },
    );
    expect(reason(dsn)).toBe('delivery-report');
    expect(reason(withHeaders({ 'auto-submitted': 'auto-replied', 'x-auto-response-suppress': 'All' }, { subject: 'Automatic reply: x' }))).toBe(
      'auto-submitted',
    );
  });
});
