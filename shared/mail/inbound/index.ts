/**
 * Inbound mail understanding (CONTRACT §7), free of AWS: parse a raw message, decide whether it
 * is a human reply, extract the text to keep, and find a ticket key in the subject. The SMTP/SES
 * receiving handler wires these together with threading, permissions and storage.
 */
export { readInbound } from './read-inbound.js';
export { classifyInbound, classificationInput } from './classify.js';
export { replyText, type ReplyBody } from './reply-text.js';
export { htmlToText } from './html-to-text.js';
export { ticketKeyInSubject } from './ticket-key.js';
export { isVacationSubject } from './vacation-subjects.js';
export type { Classification, ClassifyInput, IgnoreReason, InboundAttachment, InboundMail, MailAddress, OwnMailMarkers } from './types.js';
