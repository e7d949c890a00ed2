import type { Locale } from '../domain/identity';

/** What the automations write on a ticket, in the tenant's language. */
export const TIMER_TEXTS: Record<Locale, { reminder: (days: number) => string; autoClosed: (days: number) => string }> = {
  en: {
    reminder: (d) => `Reminder: we are still waiting for your answer (no reply for ${d} days). Please reply to this ticket so we can continue.`,
    autoClosed: (d) => `This ticket was closed automatically after ${d} days without an answer. You can reopen it if you still need help.`,
  },
  nl: {
    reminder: (d) => `Herinnering: we wachten nog op uw antwoord (${d} dagen geen reactie). Reageer op dit ticket zodat we verder kunnen.`,
    autoClosed: (d) => `Dit ticket is automatisch gesloten na ${d} dagen zonder antwoord. U kunt het heropenen als u nog hulp nodig hebt.`,
  },
  fr: {
    reminder: (d) =>
      `Rappel : nous attendons toujours votre réponse (aucune réponse depuis ${d} jours). Merci de répondre à ce ticket pour que nous puissions avancer.`,
    autoClosed: (d) => `Ce ticket a été fermé automatiquement après ${d} jours sans réponse. Vous pouvez le rouvrir si nécessaire.`,
  },
};
