/**
 * Shapes of the inbound-mail module. They are plain data on purpose: the SMTP/SES handler
 * builds them from whatever transport it has, and the rules stay testable without AWS.
 */

/** One mailbox as it appeared in a header: the address is lower-cased, the display name kept. */
export interface MailAddress {
  address: string;
  name: string;
}

export interface InboundAttachment {
  filename: string | undefined;
  contentType: string;
  size: number;
  /** Without angle brackets, so it matches `cid:` links in the HTML body. */
  contentId: string | undefined;
  /** True for parts shown inside the body (inline images) rather than offered as files. */
  inline: boolean;
  content: Buffer;
}

/** What readInbound makes of a raw RFC 5322 message. */
export interface InboundMail {
  messageId: string | undefined;
  inReplyTo: string | undefined;
  /** Oldest first, as in the header; angle brackets kept like messageId. */
  references: string[];
  from: MailAddress | undefined;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** Decoded (RFC 2047) subject; empty when absent. */
  subject: string;
  date: Date | undefined;
  /** Text of the text/plain part(s); undefined when the message has none (HTML-only mail). */
  text: string | undefined;
  html: string | undefined;
  attachments: InboundAttachment[];
  /** Lower-cased header names → unfolded raw value of the first occurrence. */
  headers: Record<string, string>;
  /** The top-level Content-Type header value, parameters included (e.g. report-type). */
  contentType: string;
}

/** The minimal view classifyInbound needs; see classificationInput() to build it from InboundMail. */
export interface ClassifyInput {
  /** Lower-cased header names → raw values. */
  headers: Readonly<Record<string, string>>;
  /** Sender address (From), any case. */
  from: string | undefined;
  subject: string;
  /** Top-level Content-Type with parameters, e.g. `multipart/report; report-type=delivery-status`. */
  contentType: string;
}

/**
 * How we recognise our own notifications when they come back (forwarding loops, auto-forwards,
 * misconfigured aliases). All optional: pass what the caller knows for the tenant.
 */
export interface OwnMailMarkers {
  /** The tenant support address(es) our mail is sent From. Mail From these is always ours. */
  supportAddresses?: readonly string[];
  /** Domain part of the Message-IDs we generate, e.g. `mail.ticketflow.example`. */
  messageIdDomain?: string;
  /** Message-IDs we sent (with or without angle brackets). */
  sentMessageIds?: { has(id: string): boolean };
  /** A header we add to every outgoing mail (name, any case), e.g. `X-Ticketflow-Ticket`. */
  markerHeader?: string;
}

export type IgnoreReason =
  | 'own-mail'
  | 'read-receipt'
  | 'delivery-report'
  | 'mailer-daemon'
  | 'auto-submitted'
  | 'x-autoreply'
  | 'auto-response-suppress'
  | 'precedence-bulk'
  | 'list-mail'
  | 'vacation-header'
  | 'vacation-subject';

export type Classification = { kind: 'reply'; reason: 'human' } | { kind: 'ignored'; reason: IgnoreReason };
