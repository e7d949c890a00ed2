import type { Locale } from '../domain/identity';
import type { Ticket } from '../domain/ticket';

/**
 * What the automations write on a ticket (reminders, notices), in its reader's language:
 * the requester's, else the tenant's (CONTRACT sections 2 and 7). One table per locale,
 * so a missing translation is a type error, not an English sentence in a Dutch ticket.
 */
export interface SystemTexts {
  readonly reminder: (days: number) => string;
  readonly autoClosed: (days: number) => string;
  readonly urgentDowngraded: string;
}

export const SYSTEM_TEXTS: Record<Locale, SystemTexts> = {
  en: {
    reminder: (d) => `Reminder: we are still waiting for your answer (no reply for ${d} days). Please reply to this ticket so we can continue.`,
    autoClosed: (d) => `This ticket was closed automatically after ${d} days without an answer. You can reopen it if you still need help.`,
    urgentDowngraded:
      'Thank you for the details. The urgent criteria (a productive system down, core business seriously affected without a workaround, or a go-live today or tomorrow) do not apply, so we process this ticket with High priority.',
  },
  nl: {
    reminder: (d) => `Herinnering: we wachten nog op uw antwoord (${d} dagen geen reactie). Reageer op dit ticket zodat we verder kunnen.`,
    autoClosed: (d) => `Dit ticket is automatisch gesloten na ${d} dagen zonder antwoord. U kunt het heropenen als u nog hulp nodig hebt.`,
    urgentDowngraded:
      'Bedankt voor de gegevens. De urgentiecriteria (een productiesysteem ligt stil, de kernactiviteit is ernstig geraakt zonder workaround, of een livegang vandaag of morgen) zijn niet van toepassing; we behandelen dit ticket daarom met prioriteit Hoog.',
  },
  fr: {
    reminder: (d) =>
      `Rappel : nous attendons toujours votre réponse (aucune réponse depuis ${d} jours). Merci de répondre à ce ticket pour que nous puissions avancer.`,
    autoClosed: (d) => `Ce ticket a été fermé automatiquement après ${d} jours sans réponse. Vous pouvez le rouvrir si nécessaire.`,
    urgentDowngraded:
      "Merci pour ces précisions. Les critères d'urgence (un système de production à l'arrêt, une activité essentielle gravement touchée sans solution de contournement, ou une mise en production aujourd'hui ou demain) ne s'appliquent pas : nous traitons donc ce ticket en priorité Haute.",
  },
};

/** The language the requester reads: theirs when known, else the tenant's. */
export const requesterLocale = (ticket: Pick<Ticket, 'requester'>, tenantLocale: Locale): Locale => ticket.requester.locale ?? tenantLocale;

/** The texts for the requester of `ticket`. */
export const textsFor = (ticket: Pick<Ticket, 'requester'>, tenantLocale: Locale): SystemTexts => SYSTEM_TEXTS[requesterLocale(ticket, tenantLocale)];
