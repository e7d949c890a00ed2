import type { DynamoDBRecord } from 'aws-lambda';
import type { SettingsChangeRecord, TicketChangeRecord } from '../changes/ticket-change-record';
import type { NotificationEvent } from '../mail/outbound/send-notification';
import { keys } from './table-design';

/**
 * A DynamoDB stream record of the table → the ticket change it reports, or null for
 * any other item (comments, history, lifecycle and timer bookkeeping, counters).
 */
export function ticketChangeOf(record: DynamoDBRecord): TicketChangeRecord | null {
  const pk = record.dynamodb?.Keys?.pk?.S;
  const sk = record.dynamodb?.Keys?.sk?.S;
  const recordId = record.dynamodb?.SequenceNumber;
  if (!pk || !sk || !recordId) return null;
  const ticket = keys.parseTicket({ pk, sk });
  if (!ticket) return null;
  const version = record.dynamodb?.NewImage?.version?.N;
  return {
    recordId,
    ...ticket,
    kind: record.eventName === 'INSERT' ? 'created' : record.eventName === 'REMOVE' ? 'removed' : 'changed',
    version: version === undefined ? null : Number(version),
  };
}

/** A stream record of a tenant's settings item → its tenant, or null for any other item. */
export function settingsChangeOf(record: DynamoDBRecord): SettingsChangeRecord | null {
  const pk = record.dynamodb?.Keys?.pk?.S;
  const recordId = record.dynamodb?.SequenceNumber;
  if (!pk || !recordId || record.dynamodb?.Keys?.sk?.S !== 'SETTINGS' || record.eventName === 'REMOVE') return null;
  const tenantId = keys.parseTenant(pk);
  return tenantId ? { recordId, tenantId } : null;
}

/** A newly written notification event (the outbox) → what the mailer sends; null for anything else. */
export function notificationOf(record: DynamoDBRecord): (NotificationEvent & { recordId: string }) | null {
  const image = record.dynamodb?.NewImage;
  const pk = record.dynamodb?.Keys?.pk?.S;
  const recordId = record.dynamodb?.SequenceNumber;
  if (record.eventName !== 'INSERT' || !image || !pk || !recordId || image.entity?.S !== 'history' || image.type?.S !== 'notification') return null;
  const ticket = keys.parseTicketPartition(pk);
  if (!ticket) return null;
  return {
    recordId,
    ...ticket,
    eventId: image.id?.S ?? '',
    reason: image.reason?.S ?? '',
    recipients: (image.recipients?.L ?? []).map((r) => r.S ?? '').filter(Boolean),
    commentId: image.commentId?.S ?? null,
    details: Object.fromEntries(Object.entries(image.details?.M ?? {}).flatMap(([k, v]) => (v.S !== undefined ? [[k, v.S]] : []))),
  };
}
