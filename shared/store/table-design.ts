/**
 * The single-table key design, in one place. The CDK table, the local DynamoDB
 * table and the DynamoDB adapter are all built from this module, so the three
 * can never disagree. Every partition key begins with the tenant (`T#<tid>#…`).
 *
 * Item collections
 *  - ticket:   pk T#<tid>#TK#<ticketId>, sk "TICKET" (the ticket, compressed: ticket-item.ts) | "C#<ulid>" (comment) | "H#<ulid>" (history)
 *              | "LIFECYCLE" (its Step Functions execution and waiting task token)
 *              | "TIMERS" (its EventBridge Scheduler schedules) | "TP#<ulid>" (a third-party wait)
 *  - key map:  pk T#<tid>#KEY#<ACME-42>, sk "KEY"     (consistent lookup by ticket key)
 *  - counter:  pk T#<tid>, sk "COUNTER#TICKET"         (per-tenant key sequence)
 *  - settings: pk T#<tid>, sk "SETTINGS"
 *  - users:    pk T#<tid>#USERS, sk "U#<userId>"
 *  - e-mail:   pk T#<tid>#EMAIL#<address>, sk "EMAIL"  (the user holding it: unique per tenant)
 *  - idempotency: pk T#<tid>#IDEM#<sub>#<key>, sk "IDEM" (expiresAt filtered by the reader)
 *  - mail:     pk T#<tid>#TK#<ticketId>, sk "MAIL#<eventId>#<recipient>" (claim, then record, of one notification mail)
 *              pk T#<tid>, sk "MAILSECRET" (reply-token secret); pk T#<tid>#EMAIL#<address>, sk "SUPPRESSED" (bounced)
 *  - usage:    pk T#<tid>#USAGE, sk "<yyyy-mm>#<shard>" (ADD counters, CONTRACT 8; a month is one Query)
 *              | pk T#<tid>#USAGEMARK#<hash of a dedupe id>, sk "MARK" (counted once; expiresAt)
 *              | pk T#<tid>#TK#<ticketId>, sk "USAGE" (the ticket version its facts are counted up to)
 *              | pk USAGE#TENANTS, sk T#<tid> (the one platform partition: which tenants finance sees)
 *  - mailbox:  pk MAILBOX#<address>, sk "MAILBOX" → {tenantId} (a platform item: which tenant receives the mail
 *              sent to a support address; put conditionally when an admin sets `supportAddress`, so two
 *              tenants can never claim one address; deleted when the tenant changes it)
 *  - inbound:  pk T#<tid>#INMAIL#<sha256 of Message-ID>, sk "INMAIL" (claimed once: a message delivered twice acts once)
 *              | pk T#<tid>#INBOX, sk "<receivedAt>#<sha256>" (every inbound mail's outcome, for the console)
 *
 * List indexes: one GSI per list filter, all sorted newest-first by
 * `<createdAt>#<ticketId>`, so a page is one Query (plus one BatchGetItem of the
 * page's tickets) whose cost does not depend on the tenant's size. Only the ticket
 * item carries index keys (history, comments and every other item are in no index),
 * and the indexes project keys only: a write that changes no index key (a comment,
 * a field edit, an automation's bookkeeping) writes no index at all, a transition
 * rewrites only the status (and, when the category changes, the category) entry,
 * and each index entry is a few hundred bytes (1 WCU, not the ticket's size).
 */

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** The subset of Lambda's event filter syntax the project uses: exact string values. */
export interface StreamFilter {
  readonly eventName?: readonly string[];
  readonly dynamodb: {
    readonly Keys?: Readonly<Record<string, { readonly S: readonly string[] }>>;
    readonly NewImage?: Readonly<Record<string, { readonly S: readonly string[] }>>;
  };
}

/**
 * The table's stream carries every item; the change follower needs only: the ticket
 * items, the tenants' settings (whose writes drive a workflow migration's steps) and the
 * notification events as they are inserted (the outbox the mailer sends from). AWS
 * filters at the event source mapping with these patterns (any one matching), the local
 * stream poller applies the same ones, so neither invokes the follower for comments,
 * other history, lifecycle or timer bookkeeping.
 */
export const CHANGE_FILTERS: readonly StreamFilter[] = [
  { dynamodb: { Keys: { sk: { S: ['TICKET', 'SETTINGS'] } } } },
  { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['history'] }, type: { S: ['notification'] } } } },
];

export interface IndexDesign {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** GSI name → its key attributes. Order matters only for readability. */
export const LIST_INDEXES = {
  all: { name: 'byTenant', partitionKey: 'gsiAllPk', sortKey: 'gsiSk' },
  status: { name: 'byStatus', partitionKey: 'gsiStatusPk', sortKey: 'gsiSk' },
  category: { name: 'byCategory', partitionKey: 'gsiCategoryPk', sortKey: 'gsiSk' },
  assignee: { name: 'byAssignee', partitionKey: 'gsiAssigneePk', sortKey: 'gsiSk' },
  org: { name: 'byOrg', partitionKey: 'gsiOrgPk', sortKey: 'gsiSk' },
  requester: { name: 'byRequester', partitionKey: 'gsiRequesterPk', sortKey: 'gsiSk' },
} as const satisfies Record<string, IndexDesign>;

export type ListIndexName = keyof typeof LIST_INDEXES;

export const GLOBAL_SECONDARY_INDEXES: readonly IndexDesign[] = Object.values(LIST_INDEXES);

/**
 * What every list index projects: its keys only (the list reads the page's tickets with
 * one BatchGetItem). Version 1 of the design projected ALL, so every ticket write
 * rewrote six copies of the ticket; the local table is migrated on start when it differs.
 */
export const LIST_INDEX_PROJECTION = 'KEYS_ONLY' as const;
export const TABLE_SCHEMA_VERSION = 2;

/** TTL attribute (epoch seconds). DynamoDB Local never deletes, so readers filter on it too. */
export const TTL_ATTRIBUTE = 'expiresAt';

const tenant = (tid: string) => `T#${tid}`;

export const USAGE_TENANTS_PARTITION = 'USAGE#TENANTS';

/**
 * The partition keys a function that only reads tickets may still write: its own usage
 * counters and dedupe markers, and the tenant registry (IAM `dynamodb:LeadingKeys`).
 */
export const USAGE_WRITE_PARTITIONS = ['T#*#USAGE', 'T#*#USAGEMARK#*', USAGE_TENANTS_PARTITION] as const;

export const keys = {
  tenant: (tid: string) => ({ pk: tenant(tid) }),
  ticket: (tid: string, ticketId: string) => ({ pk: `${tenant(tid)}#TK#${ticketId}`, sk: 'TICKET' }),
  ticketPartition: (tid: string, ticketId: string) => `${tenant(tid)}#TK#${ticketId}`,
  comment: (tid: string, ticketId: string, commentId: string) => ({
    pk: `${tenant(tid)}#TK#${ticketId}`,
    sk: `C#${commentId}`,
  }),
  history: (tid: string, ticketId: string, eventId: string) => ({
    pk: `${tenant(tid)}#TK#${ticketId}`,
    sk: `H#${eventId}`,
  }),
  /** The ticket's execution and its waiting token, beside the ticket. */
  lifecycle: (tid: string, ticketId: string) => ({ pk: `${tenant(tid)}#TK#${ticketId}`, sk: 'LIFECYCLE' }),
  /** A third-party wait of the ticket (its callback secret only as a hash). */
  thirdPartyWait: (tid: string, ticketId: string, waitId: string) => ({ pk: `${tenant(tid)}#TK#${ticketId}`, sk: `TP#${waitId}` }),
  /** The ticket's schedules (kind → due instant). */
  timers: (tid: string, ticketId: string) => ({ pk: `${tenant(tid)}#TK#${ticketId}`, sk: 'TIMERS' }),
  ticketKey: (tid: string, ticketKey: string) => ({ pk: `${tenant(tid)}#KEY#${ticketKey}`, sk: 'KEY' }),
  ticketCounter: (tid: string) => ({ pk: tenant(tid), sk: 'COUNTER#TICKET' }),
  settings: (tid: string) => ({ pk: tenant(tid), sk: 'SETTINGS' }),
  user: (tid: string, userId: string) => ({ pk: `${tenant(tid)}#USERS`, sk: `U#${userId}` }),
  usersPartition: (tid: string) => `${tenant(tid)}#USERS`,
  /** Which user of the tenant holds an e-mail address (unique per tenant; inbound mail is matched on it). */
  userEmail: (tid: string, email: string) => ({ pk: `${tenant(tid)}#EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' }),
  idempotency: (tid: string, sub: string, key: string) => ({ pk: `${tenant(tid)}#IDEM#${sub}#${key}`, sk: 'IDEM' }),
  /** One notification mail: per event and recipient, beside the ticket (the send's claim, then its record). */
  mail: (tid: string, ticketId: string, eventId: string, recipient: string) => ({
    pk: `${tenant(tid)}#TK#${ticketId}`,
    sk: `MAIL#${eventId}#${recipient.toLowerCase()}`,
  }),
  /** The tenant's secret for reply tokens. */
  mailSecret: (tid: string) => ({ pk: tenant(tid), sk: 'MAILSECRET' }),
  /** An address that bounced or complained: no more mail to it. */
  mailSuppression: (tid: string, address: string) => ({ pk: `${tenant(tid)}#EMAIL#${address.toLowerCase()}`, sk: 'SUPPRESSED' }),
  /** One shard of a tenant's usage counters for a month (shards spread concurrent ADDs). */
  usageCounter: (tid: string, month: string, shard: number) => ({ pk: `${tenant(tid)}#USAGE`, sk: `${month}#${shard}` }),
  usagePartition: (tid: string) => `${tenant(tid)}#USAGE`,
  /** A dedupe marker: what it names (a request, a replay, a mail) was counted. */
  usageMark: (tid: string, id: string) => ({ pk: `${tenant(tid)}#USAGEMARK#${id}`, sk: 'MARK' }),
  /** Beside the ticket: the version up to which its facts are counted. */
  usageWatermark: (tid: string, ticketId: string) => ({ pk: `${tenant(tid)}#TK#${ticketId}`, sk: 'USAGE' }),
  /** The tenant receiving a support address's mail (a platform item, not in a tenant's partition). */
  mailbox: (address: string) => ({ pk: `MAILBOX#${address.toLowerCase()}`, sk: 'MAILBOX' }),
  /** One inbound message, claimed by its first delivery. */
  inboundClaim: (tid: string, messageKey: string) => ({ pk: `${tenant(tid)}#INMAIL#${messageKey}`, sk: 'INMAIL' }),
  /** The outcome of one inbound delivery, in the tenant's inbound list. */
  inboundRecord: (tid: string, receivedAt: string, messageKey: string) => ({ pk: `${tenant(tid)}#INBOX`, sk: `${receivedAt}#${messageKey}` }),
  inboundPartition: (tid: string) => `${tenant(tid)}#INBOX`,
  /** The tenants finance sees (a platform partition, the only one not starting with a tenant). */
  usageTenant: (tid: string) => ({ pk: USAGE_TENANTS_PARTITION, sk: tenant(tid) }),
  /** The tenant of a tenant-level item's partition key (`T#<tid>`); null for any other partition. */
  parseTenant: (pk: string): string | null => (pk.startsWith('T#') && !pk.slice(2).includes('#') ? pk.slice(2) : null),
  /** The tenant and ticket of a ticket item's key; null for every other item. */
  parseTicket: (key: { pk: string; sk: string }): { tenantId: string; ticketId: string } | null =>
    key.sk === 'TICKET' ? keys.parseTicketPartition(key.pk) : null,
  /** The tenant and ticket of any item in a ticket's partition (its comments, history, …); null for other partitions. */
  parseTicketPartition: (pk: string): { tenantId: string; ticketId: string } | null => {
    const at = pk.lastIndexOf('#TK#');
    if (!pk.startsWith('T#') || at < 2) return null;
    return { tenantId: pk.slice(2, at), ticketId: pk.slice(at + 4) };
  },
  /** Partition values of the list indexes for one ticket (undefined → not indexed there). */
  listIndexValues: (
    tid: string,
    t: { status: string; category: string; assigneeId: string | null; org: string | null; requesterId: string; createdAt: string; id: string },
  ) => ({
    gsiSk: `${t.createdAt}#${t.id}`,
    gsiAllPk: `${tenant(tid)}#TICKETS`,
    gsiStatusPk: `${tenant(tid)}#STATUS#${t.status}`,
    gsiCategoryPk: `${tenant(tid)}#CAT#${t.category}`,
    gsiAssigneePk: t.assigneeId ? `${tenant(tid)}#ASSIGNEE#${t.assigneeId}` : undefined,
    gsiOrgPk: t.org ? `${tenant(tid)}#ORG#${t.org}` : undefined,
    gsiRequesterPk: `${tenant(tid)}#REQ#${t.requesterId}`,
  }),
  listPartition: (tid: string, index: ListIndexName, value: string) => {
    const prefix: Record<ListIndexName, string> = {
      all: 'TICKETS',
      status: `STATUS#${value}`,
      category: `CAT#${value}`,
      assignee: `ASSIGNEE#${value}`,
      org: `ORG#${value}`,
      requester: `REQ#${value}`,
    };
    return `${tenant(tid)}#${prefix[index]}`;
  },
};
