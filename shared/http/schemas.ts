/**
 * zod schemas of requests: the single source for request validation and, with the response
 * shapes (response-schemas.ts), for the OpenAPI document. Request objects are strict, so an
 * unknown field is a 400.
 */
import * as z from 'zod';
import { MAX_SLA_TARGET_MINUTES } from '../sla/sla-limits';
import { LOCALES, ROLES } from '../domain/identity';
import { THIRD_PARTY_OUTCOMES } from '../domain/third-party';
import { CATEGORIES, REQUIRABLE_FIELDS, TICKET_TYPES } from '../domain/workflow';

export const LIMITS = { bodyBytes: 256 * 1024, subjectChars: 200, commentChars: 64 * 1024 } as const;

const nonBlank = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const severity = z.enum(['enhancement', 'low', 'medium', 'high', 'severe']);
export const priority = z.enum(['normal', 'high', 'urgent']);
export const ticketType = z.enum(TICKET_TYPES);
const roleWithoutFinance = z.enum(ROLES.filter((r) => r !== 'finance') as ['customer', 'agent', 'lead', 'manager', 'admin']);
export const isoTime = z.iso.datetime();

export const CreateTicketBody = z
  .strictObject({
    subject: nonBlank(LIMITS.subjectChars),
    description: z.string().max(LIMITS.commentChars).default(''),
    type: ticketType.optional(),
    severity: severity.optional(),
    priority: priority.optional(),
    draft: z.boolean().optional(),
    channel: z.enum(['portal', 'api']).optional(),
    requester: z.string().min(1).max(200).optional().describe('Staff only: directory user id to open the ticket for'),
  })
  .meta({ id: 'CreateTicket' });

export const PatchTicketBody = z
  .strictObject({
    assignee: z.string().min(1).max(200).nullable().optional(),
    team: z.string().min(1).max(200).nullable().optional(),
    severity: severity.optional(),
    priority: priority.optional(),
    subject: nonBlank(LIMITS.subjectChars).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' })
  .meta({ id: 'PatchTicket' });

export const TransitionBody = z
  .strictObject({
    to: z.string().min(1).max(100),
    comment: nonBlank(LIMITS.commentChars).optional(),
    commentVisibility: z.enum(['public', 'internal']).optional(),
    resolution: z.string().min(1).max(100).optional(),
  })
  .meta({ id: 'Transition' });

export const CommentBody = z
  .strictObject({
    body: nonBlank(LIMITS.commentChars),
    visibility: z.enum(['public', 'internal']).default('public'),
  })
  .meta({ id: 'NewComment' });

export const ReopenBody = z.strictObject({ comment: nonBlank(LIMITS.commentChars) }).meta({ id: 'Reopen' });

/** Answers may be missing here (the use case says 422 "questionnaire incomplete"); wrong types are still 400. */
export const EscalateBody = z
  .strictObject({
    reason: nonBlank(2000),
    urgent: z
      .strictObject({
        workaround: z.boolean().optional().describe('Is there an acceptable workaround?'),
        coreBusinessAffected: z.boolean().optional().describe('Is core business functionality severely affected?'),
        financialImpact: z.string().min(1).max(1000).optional().describe('Anticipated financial loss'),
        usersAffected: z.number().int().min(0).optional(),
        goLiveDate: z.iso.date().nullable().optional().describe('Go-live date if one is affected, else null'),
        contact: z
          .strictObject({
            name: z.string().min(1).max(200).optional(),
            phone: z.string().min(1).max(50).optional(),
            email: z.email().optional(),
            availability: z.string().min(1).max(500).optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .meta({ id: 'Escalate' });

export const SplitBody = z
  .strictObject({ subject: nonBlank(LIMITS.subjectChars), description: z.string().max(LIMITS.commentChars).default('') })
  .meta({ id: 'Split' });

export const EmptyBody = z.strictObject({}).meta({ id: 'Empty' });

const labels = z.strictObject({ en: z.string().min(1), nl: z.string().min(1), fr: z.string().min(1) });
export const WorkflowDefinitionSchema = z
  .strictObject({
    id: z.string().min(1).max(100),
    statuses: z
      .array(z.strictObject({ id: z.string().min(1).max(100), category: z.enum(CATEGORIES), labels, requires: z.array(z.enum(REQUIRABLE_FIELDS)).optional() }))
      .min(1)
      .max(200),
    transitions: z
      .array(
        z.strictObject({
          from: z.string().min(1),
          to: z.string().min(1),
          roles: z.array(roleWithoutFinance).min(1),
          types: z.array(ticketType).min(1).optional(),
        }),
      )
      .max(2000),
    rules: z.strictObject({
      onSubmit: z.string().min(1),
      onSubmitByType: z.partialRecord(ticketType, z.string()).optional(),
      draftStatus: z.string().min(1).nullable(),
      autoAdvance: z.record(z.string(), z.string()).optional(),
      onCustomerReply: z.record(z.string(), z.string()),
      onCustomerConfirm: z.record(z.string(), z.string()),
      onCustomerReopen: z.strictObject({ from: z.array(z.string()), to: z.string(), windowDays: z.number().int().min(0).max(3650).nullable() }),
      feedbackTimeout: z.strictObject({ from: z.array(z.string()).min(1), to: z.string() }).optional(),
      untouched: z
        .strictObject({
          statuses: z.array(z.string()).min(1),
          remindAfterDays: z.array(z.number().int().min(1).max(365)),
          closeAfterDays: z.number().int().min(1).max(365),
          to: z.string(),
        })
        .optional(),
      onThirdPartyReply: z.strictObject({ to: z.string().min(1).nullable() }).optional(),
      onResolutionBreach: z.string().optional(),
      notifications: z.strictObject({ onCreate: z.enum(['always', 'except-portal']) }).optional(),
    }),
  })
  .meta({ id: 'Workflow' });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const dayHours = z.array(z.tuple([hhmm, hhmm])).max(10);
const minutes = z.number().int().positive().max(MAX_SLA_TARGET_MINUTES, `at most ${MAX_SLA_TARGET_MINUTES} minutes (a year)`).nullable();

export const SettingsBody = z
  .strictObject({
    name: nonBlank(200),
    keyPrefix: z.string().regex(/^[A-Z][A-Z0-9]{0,9}$/, '1–10 capital letters or digits, starting with a letter'),
    workflow: z.union([z.string().min(1).max(100), WorkflowDefinitionSchema]),
    timezone: z.string().refine(isTimeZone, 'unknown IANA time zone'),
    locale: z.enum(LOCALES),
    coverage: z.enum(['business-hours', '24x7']),
    businessHours: z.strictObject({ mon: dayHours, tue: dayHours, wed: dayHours, thu: dayHours, fri: dayHours, sat: dayHours, sun: dayHours }).partial(),
    holidays: z.array(z.iso.date()).max(1000),
    supportAddress: z.email().nullable(),
    contacts: z.strictObject({ teamLead: z.email().nullable(), offeringManager: z.email().nullable(), escalationManager: z.email().nullable() }).partial(),
    orgVisibility: z.boolean(),
    sla: z
      .strictObject({
        response: z.strictObject({ urgent: minutes, high: minutes, normal: minutes }).partial(),
        resolution: z.strictObject({ severe: minutes, high: minutes, medium: minutes, low: minutes, enhancement: minutes }).partial(),
        update: z.strictObject({ urgent: minutes.describe('seed 001: working minutes an urgent ticket may go without a public staff comment') }).partial(),
      })
      .partial(),
    feedbackDays: z.number().int().min(0).max(365),
    monitoringDays: z.number().int().min(0).max(365),
  })
  .partial()
  .meta({ id: 'SettingsInput' });

/** CONTRACT section 3: where the open tickets of each status the new workflow lacks go. */
export const StatusMap = z
  .record(z.string().min(1).max(100), z.string().min(1).max(100))
  .refine((m) => Object.keys(m).length <= 200, 'at most 200 statuses')
  .describe('old status id → status id of the new workflow, for a workflow switch with open tickets');

export const StatusMapField = z.object({ statusMap: StatusMap.optional() });

/** A PUT of the settings may carry the status map of a workflow switch beside them (it is not stored). */
export const PutSettingsBody = SettingsBody.extend({ statusMap: StatusMap.optional() }).meta({ id: 'PutSettings' });

/** A JSON merge patch (RFC 7396) of SettingsInput: the merged result is checked like a PUT body. */
export const SettingsPatchBody = z
  .record(z.string(), z.unknown())
  .meta({ id: 'SettingsPatch', description: 'JSON merge patch (RFC 7396) of SettingsInput: named fields change, null resets a field to its default' });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const PutUserBody = z
  .strictObject({
    email: z.email().max(254),
    name: nonBlank(200),
    role: roleWithoutFinance,
    org: z.string().min(1).max(200).nullable().optional(),
    locale: z.enum(LOCALES).nullable().optional(),
  })
  .meta({ id: 'UserInput' });

/** Path parameters: ids and keys are short and plain, anything else is a 400 (or 404 for the ticket). */
export const IdParam = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, . _ @ - only');

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(4096).optional(),
});

export const TicketListQuery = PageQuery.extend({
  status: z.string().min(1).max(100).optional(),
  category: z.enum(CATEGORIES).optional(),
  assignee: z.string().min(1).max(200).optional(),
  org: z.string().min(1).max(200).optional(),
  requester: z.string().min(1).max(200).optional(),
});

/** `POST /v1/tickets/{id}/third-party` (staff): ask a third party and wait on its answer. */
export const ThirdPartyRequestBody = z
  .strictObject({
    party: nonBlank(200),
    reference: nonBlank(200),
    email: z.email().max(254).optional(),
    expiresInDays: z.number().int().min(1).max(365).optional(),
    to: z.string().min(1).max(100).optional(),
  })
  .meta({ id: 'ThirdPartyRequest' });

/** The third party's answer at its callback URL. */
export const ThirdPartyAnswerBody = z
  .strictObject({ message: nonBlank(LIMITS.commentChars), outcome: z.enum(THIRD_PARTY_OUTCOMES) })
  .meta({ id: 'ThirdPartyAnswer' });

/** The callback URL's token: tenant, ticket, wait and secret, dot-separated, URL-safe. */
export const CallbackTokenParam = z
  .string()
  .min(1)
  .max(400)
  .regex(/^[A-Za-z0-9._-]+$/);
