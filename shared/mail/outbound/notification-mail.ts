import type { Locale } from '../../domain/identity';

/**
 * The text of every notification mail (CONTRACT section 7), in en, nl and fr: a subject
 * with the ticket key in brackets (what mail programs and our own inbound threading
 * recognise), a plain-text body and the same as simple HTML. One table per locale, so a
 * missing translation is a type error.
 */
export interface MailFacts {
  readonly key: string;
  readonly subject: string;
  /** The status label in the reader's language. */
  readonly statusLabel: string;
  readonly tenantName: string;
  /** For `comment`: the public comment the requester is told about. */
  readonly comment: string | null;
  /** For SLA and third-party notices: what it is about (`response`, `resolution`, `update`, an outcome). */
  readonly detail: string | null;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

type Lines = (f: MailFacts) => { headline: string; lines: string[] };

interface Phrasebook {
  readonly greeting: string;
  readonly replyHint: string;
  readonly signature: (tenant: string) => string;
  readonly byReason: Record<MailKind, Lines>;
}

export type MailKind =
  | 'created'
  | 'status'
  | 'comment'
  | 'reopened'
  | 'escalated'
  | 'sla-warning'
  | 'sla-breach'
  | 'monitoring-ended'
  | 'third-party-answer'
  | 'third-party-request'
  | 'follow-up-opened'
  | 'other';

/** The kind of mail a notification event's reason asks for. */
export function mailKindOf(reason: string): MailKind {
  const head = reason.split(':')[0]!;
  if (head === 'third-party-request') return 'third-party-request';
  if (head === 'follow-up-opened') return 'follow-up-opened';
  if (head.startsWith('third-party-')) return 'third-party-answer';
  return (
    (['created', 'status', 'comment', 'reopened', 'escalated', 'sla-warning', 'sla-breach', 'monitoring-ended'] as const).find((k) => k === head) ?? 'other'
  );
}

const PHRASES: Record<Locale, Phrasebook> = {
  en: {
    greeting: 'Hello,',
    replyHint: 'Reply to this e-mail to add a comment to the ticket.',
    signature: (t) => `Kind regards,\n${t}`,
    byReason: {
      created: (f) => ({ headline: `We received your request ${f.key}`, lines: [`Your ticket "${f.subject}" is registered with status ${f.statusLabel}.`] }),
      status: (f) => ({ headline: `${f.key} is now: ${f.statusLabel}`, lines: [`The status of your ticket "${f.subject}" changed to ${f.statusLabel}.`] }),
      comment: (f) => ({ headline: `New reply on ${f.key}`, lines: [f.comment ?? ''] }),
      reopened: (f) => ({ headline: `${f.key} was reopened by the customer`, lines: [`"${f.subject}" is back in ${f.statusLabel}.`] }),
      escalated: (f) => ({ headline: `${f.key} was escalated`, lines: [`"${f.subject}" needs attention (status ${f.statusLabel}).`] }),
      'sla-warning': (f) => ({ headline: `${f.key}: ${f.detail} target is near`, lines: [`"${f.subject}" has used 75 % of its ${f.detail} time.`] }),
      'sla-breach': (f) => ({ headline: `${f.key}: ${f.detail} target breached`, lines: [`"${f.subject}" missed its ${f.detail} target.`] }),
      'monitoring-ended': (f) => ({ headline: `${f.key}: monitoring period ended`, lines: [`The urgent ticket "${f.subject}" may now be closed.`] }),
      'third-party-answer': (f) => ({ headline: `${f.key}: the third party answered (${f.detail})`, lines: [`See the internal comment on "${f.subject}".`] }),
      'third-party-request': (f) => ({
        headline: `Request ${f.detail} from ${f.tenantName}`,
        lines: [
          `We need your help with our ticket ${f.key} "${f.subject}" (your reference ${f.detail}).`,
          'Reply to this e-mail with your answer: it reaches our team directly.',
        ],
      }),
      'follow-up-opened': (f) => ({
        headline: `We opened ${f.key} for your message`,
        lines: [`Your ticket ${f.detail} was closed; we opened ${f.key} "${f.subject}" for your message (linked to ${f.detail}).`],
      }),
      other: (f) => ({ headline: `Update on ${f.key}`, lines: [`"${f.subject}" — ${f.statusLabel}.`] }),
    },
  },
  nl: {
    greeting: 'Hallo,',
    replyHint: 'Beantwoord deze e-mail om een reactie aan het ticket toe te voegen.',
    signature: (t) => `Met vriendelijke groet,\n${t}`,
    byReason: {
      created: (f) => ({
        headline: `We hebben uw aanvraag ${f.key} ontvangen`,
        lines: [`Uw ticket "${f.subject}" is geregistreerd met status ${f.statusLabel}.`],
      }),
      status: (f) => ({ headline: `${f.key} is nu: ${f.statusLabel}`, lines: [`De status van uw ticket "${f.subject}" is gewijzigd in ${f.statusLabel}.`] }),
      comment: (f) => ({ headline: `Nieuwe reactie op ${f.key}`, lines: [f.comment ?? ''] }),
      reopened: (f) => ({ headline: `${f.key} is heropend door de klant`, lines: [`"${f.subject}" staat weer op ${f.statusLabel}.`] }),
      escalated: (f) => ({ headline: `${f.key} is geëscaleerd`, lines: [`"${f.subject}" vraagt aandacht (status ${f.statusLabel}).`] }),
      'sla-warning': (f) => ({ headline: `${f.key}: ${f.detail}-doel komt dichtbij`, lines: [`"${f.subject}" heeft 75 % van de ${f.detail}-tijd gebruikt.`] }),
      'sla-breach': (f) => ({ headline: `${f.key}: ${f.detail}-doel overschreden`, lines: [`"${f.subject}" heeft het ${f.detail}-doel niet gehaald.`] }),
      'monitoring-ended': (f) => ({ headline: `${f.key}: monitoringperiode voorbij`, lines: [`Het urgente ticket "${f.subject}" mag nu gesloten worden.`] }),
      'third-party-answer': (f) => ({ headline: `${f.key}: de derde partij antwoordde (${f.detail})`, lines: [`Zie de interne notitie bij "${f.subject}".`] }),
      'third-party-request': (f) => ({
        headline: `Verzoek ${f.detail} van ${f.tenantName}`,
        lines: [
          `We hebben uw hulp nodig bij ons ticket ${f.key} "${f.subject}" (uw referentie ${f.detail}).`,
          'Beantwoord deze e-mail: uw antwoord komt direct bij ons team.',
        ],
      }),
      'follow-up-opened': (f) => ({
        headline: `We hebben ${f.key} geopend voor uw bericht`,
        lines: [`Uw ticket ${f.detail} was gesloten; we hebben ${f.key} "${f.subject}" geopend voor uw bericht (gekoppeld aan ${f.detail}).`],
      }),
      other: (f) => ({ headline: `Update over ${f.key}`, lines: [`"${f.subject}" — ${f.statusLabel}.`] }),
    },
  },
  fr: {
    greeting: 'Bonjour,',
    replyHint: 'Répondez à cet e-mail pour ajouter un commentaire au ticket.',
    signature: (t) => `Cordialement,\n${t}`,
    byReason: {
      created: (f) => ({
        headline: `Nous avons bien reçu votre demande ${f.key}`,
        lines: [`Votre ticket « ${f.subject} » est enregistré au statut ${f.statusLabel}.`],
      }),
      status: (f) => ({
        headline: `${f.key} est maintenant : ${f.statusLabel}`,
        lines: [`Le statut de votre ticket « ${f.subject} » est passé à ${f.statusLabel}.`],
      }),
      comment: (f) => ({ headline: `Nouvelle réponse sur ${f.key}`, lines: [f.comment ?? ''] }),
      reopened: (f) => ({ headline: `${f.key} a été rouvert par le client`, lines: [`« ${f.subject} » est de nouveau en ${f.statusLabel}.`] }),
      escalated: (f) => ({ headline: `${f.key} a été escaladé`, lines: [`« ${f.subject} » demande de l'attention (statut ${f.statusLabel}).`] }),
      'sla-warning': (f) => ({ headline: `${f.key} : l'objectif ${f.detail} approche`, lines: [`« ${f.subject} » a utilisé 75 % de son délai ${f.detail}.`] }),
      'sla-breach': (f) => ({ headline: `${f.key} : objectif ${f.detail} dépassé`, lines: [`« ${f.subject} » a dépassé son objectif ${f.detail}.`] }),
      'monitoring-ended': (f) => ({
        headline: `${f.key} : période de surveillance terminée`,
        lines: [`Le ticket urgent « ${f.subject} » peut maintenant être fermé.`],
      }),
      'third-party-answer': (f) => ({ headline: `${f.key} : le tiers a répondu (${f.detail})`, lines: [`Voir le commentaire interne sur « ${f.subject} ».`] }),
      'third-party-request': (f) => ({
        headline: `Demande ${f.detail} de ${f.tenantName}`,
        lines: [
          `Nous avons besoin de votre aide pour notre ticket ${f.key} « ${f.subject} » (votre référence ${f.detail}).`,
          'Répondez à cet e-mail : votre réponse parvient directement à notre équipe.',
        ],
      }),
      'follow-up-opened': (f) => ({
        headline: `Nous avons ouvert ${f.key} pour votre message`,
        lines: [`Votre ticket ${f.detail} était fermé ; nous avons ouvert ${f.key} « ${f.subject} » pour votre message (lié à ${f.detail}).`],
      }),
      other: (f) => ({ headline: `Mise à jour de ${f.key}`, lines: [`« ${f.subject} » — ${f.statusLabel}.`] }),
    },
  },
};

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderNotification(kind: MailKind, locale: Locale, facts: MailFacts): RenderedMail {
  const book = PHRASES[locale];
  const { headline, lines: own } = book.byReason[kind](facts);
  // A status change that carries a public comment is one mail with both.
  const lines = kind !== 'comment' && facts.comment ? [...own, facts.comment] : own;
  const paragraphs = [book.greeting, ...lines.filter((l) => l.trim() !== ''), book.replyHint, book.signature(facts.tenantName)];
  return {
    subject: `[${facts.key}] ${headline}`,
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html lang="${locale}"><body>${paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`,
  };
}
