/**
 * Subjects that vacation/out-of-office responders put in front of (or instead of) the original
 * subject. Recognised only at the very start of the subject and followed by a separator or the
 * end, so a human reply "Re: [DEMO-42] Absent printer driver" is never taken for a vacation reply.
 */
const PHRASES = [
  // en (Exchange, Outlook.com, Gmail, Apple iCloud, generic responders)
  'out of (?:the )?office(?: auto ?reply)?',
  'automatic reply',
  'auto[- ]?reply',
  'auto[- ]?response',
  'autoreply',
  'away from (?:the )?office',
  'on vacation',
  // nl
  'afwezig',
  'automatisch antwoord',
  'niet aanwezig',
  // fr
  'absent(?:e)?(?: du bureau)?',
  'absence du bureau',
  'réponse automatique',
  'reponse automatique',
  // de
  'abwesenheitsnotiz',
  'automatische antwort',
  'abwesend',
  'nicht im büro',
];

const VACATION_SUBJECT = new RegExp(`^\\s*(?:${PHRASES.join('|')})\\s*(?:[:：\\-–(]|$)`, 'iu');

export function isVacationSubject(subject: string | undefined): boolean {
  return VACATION_SUBJECT.test((subject ?? '').normalize('NFC'));
}
