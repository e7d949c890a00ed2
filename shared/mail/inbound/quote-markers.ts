/**
 * Line patterns that mark where quoted history or a signature starts in a plain-text reply.
 * email-reply-parser handles `>`-quoted blocks and a few headers; these cover what it misses in
 * real mail: localized Outlook header blocks, attributions wrapped over lines, separators that
 * are followed by an unquoted copy of the original, and mobile signatures.
 */

/** "-----Original Message-----" and friends, including forwarded-message separators. */
export const SEPARATOR_LINE = new RegExp(
  '^\\s*[-=_*]{2,}\\s*(?:' +
    [
      'original message',
      'forwarded message',
      'oorspronkelijk bericht',
      'origineel bericht',
      'doorgestuurd bericht',
      'ursprüngliche nachricht',
      'weitergeleitete nachricht',
      "message d'origine",
      'message d’origine',
      'message transféré',
      'mensaje original',
      'mensaje reenviado',
      'messaggio originale',
      'messaggio inoltrato',
      'mensagem original',
      'oprindelig besked',
      'opprinnelig melding',
      'ursprungligt meddelande',
      'alkuperäinen viesti',
      'wiadomość oryginalna',
      'исходное сообщение',
      'пересылаемое сообщение',
    ].join('|') +
    ')\\s*[-=_*]{0,}\\s*$',
  'iu',
);

/** Apple Mail / iOS forwards: "Begin forwarded message:" and its translations. */
export const FORWARD_INTRO =
  /^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|begin van doorgestuurd bericht|inicio del mensaje reenviado)\s*:\s*$/iu;

/** Outlook web / mobile: a line of underscores right above the From/Sent block. */
export const UNDERSCORE_RULE = /^\s*_{16,}\s*$/;

/** First line of an Outlook-style header block ("From:", "Von:", "De :", "Van:", …), maybe in *bold*. */
export const HEADER_FROM = /^\s*\*{0,2}(?:from|von|de|van|da|fra|från|od|от|lähettäjä|feladó)\s*:\s*\*{0,2}\s*\S/iu;

/** Any other line of such a block. */
export const HEADER_OTHER =
  /^\s*\*{0,2}(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé(?: le)?|à|objet|message du|copie à|sujet|verzonden|verstuurd|aan|onderwerp|inviato|data|a|oggetto|enviado|fecha|para|asunto|assunto|skickat|till|ämne|sendt|til|emne|wysłano|do|temat|отправлено|дата|кому|тема|lähetetty|vastaanottaja|aihe)\s*:/iu;

/**
 * The verb of an attribution line ("On <date>, <name> wrote:" in many languages). The line (or
 * the two/three lines it is wrapped over) must also end with a colon and hold a date digit or an
 * address, so "Here is what I wrote:" in a reply never counts.
 */
export const ATTRIBUTION_VERB =
  /(?:\bwrote|\bwrites|\ba écrit|\bécrit|\bschreef|\bschrieb|\bgeschreven|\bescribió|\bscritto|\bescreveu|\bskrev|\bnapisał(?:\(a\))?|\bpisze|\bkirjoitti|написал[аи]?|\sот\s|写道|작성|のメッセージ)[^\n]{0,160}:\s*$/iu;

/** How attributions usually open; used to pick the right start when one is wrapped. */
export const ATTRIBUTION_OPENER = /^\s*(?:(?:on|le|op|am|el|il|em|den|dnia|w dniu|pe)\s|\d|[a-zäöå]{2,4}\.\s+\d)/iu;

/** Signature delimiter (RFC 3676 "-- ", often sent without its trailing space). */
export const SIGNATURE_DELIMITER = /^--[ \t]?$/;

/**
 * Mobile/app signatures. Kept short and device-shaped so that "Sent from my desk, is much easier
 * than my phone." in a sentence is not mistaken for one.
 */
export const DEVICE_SIGNATURES: RegExp[] = [
  /^sent from my\s+[\w.'’-]+(?:\s+[\w.'’-]+){0,5}\s*$/iu,
  /^sent from (?:outlook|mail|yahoo mail|mailbox|windows mail|gmail|proton mail|aol)\b.{0,60}$/iu,
  /^(?:get|download) outlook for (?:ios|android)\b.{0,60}$/iu,
  /^sent (?:with|via) (?:airmail|spark|sparrow|superhuman|blackberry|mobile)\b.{0,60}$/iu,
  /^verzonden (?:vanaf|met) (?:mijn|outlook|blackberry)\b.{0,60}$/iu,
  /^verstuurd vanaf mijn\b.{0,60}$/iu,
  /^envoyé (?:de|depuis) mon\b.{0,60}$/iu,
  /^envoyé (?:à partir|depuis) (?:de )?outlook\b.{0,60}$/iu,
  /^von meinem\b.{0,60}\bgesendet\.?$/iu,
  /^gesendet (?:von|mit) (?:meinem|outlook|mail für)\b.{0,60}$/iu,
  /^enviado (?:desde|de) mi\b.{0,60}$/iu,
  /^inviato da\b.{0,40}$/iu,
];
