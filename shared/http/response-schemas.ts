/**
 * zod schemas of responses: documentation only. The OpenAPI document is generated from them
 * (openapi.ts); no handler validates its answers at run time, so they live apart from the
 * request schemas and no function bundle builds them at cold start.
 */
import * as z from 'zod';
import { LOCALES } from '../domain/identity';
import { SLA_STATES } from '../domain/ticket';
import { CATEGORIES } from '../domain/workflow';
import { isoTime, priority, PutUserBody, SettingsBody, severity, ticketType } from './schemas';

const slaClock = z.object({
  targetMinutes: z.number().int().nullable(),
  elapsedMinutes: z.number().int().nullable(),
  state: z
    .enum(SLA_STATES)
    .describe(
      'running (counting, target ahead), paused, met (stopped by its stop condition before the target), breached (the target was reached, whatever the clock does since), stopped (ended otherwise before the target, e.g. cancelled), none (no target; update: the ticket is not urgent)',
    ),
  dueAt: isoTime.nullable().describe('where a counting clock reaches its target (in the past once breached); null unless counting'),
  breachedAt: isoTime.nullable(),
});

export const TicketSchema = z
  .object({
    id: z.string(),
    key: z.string().describe('<tenant prefix>-<sequence>'),
    subject: z.string(),
    description: z.string(),
    type: ticketType,
    severity,
    priority,
    status: z.string(),
    category: z.enum(CATEGORIES),
    requester: z.object({ id: z.string(), email: z.string().nullable(), org: z.string().nullable(), locale: z.enum(LOCALES).nullable().optional() }),
    assignee: z.string().nullable(),
    team: z.string().nullable(),
    channel: z.enum(['portal', 'api', 'email']),
    createdAt: isoTime,
    updatedAt: isoTime,
    submittedAt: isoTime.nullable(),
    version: z.number().int(),
    sla: z.object({
      response: slaClock,
      resolution: slaClock,
      update: slaClock.describe(
        'seed 001: working time since the last public staff comment (or since it became urgent) of an urgent ticket; state none when it is not urgent',
      ),
    }),
    escalation: z.object({
      level: z.number().int(),
      escalatedAt: isoTime.nullable(),
      urgent: z.boolean(),
      monitoringUntil: isoTime.nullable().optional().describe('Urgent tickets: monitored until then after resolution'),
    }),
    resolution: z.string().nullable(),
    reopenableUntil: isoTime.nullable(),
    links: z.array(z.object({ type: z.string(), ticketId: z.string(), key: z.string() })),
    statusSince: isoTime.optional().describe('extension: when the ticket entered its status'),
    lastTouchedAt: isoTime.optional().describe('extension: the last change by a person; untouched-timers count from here'),
    categoryLog: z
      .array(z.object({ at: isoTime, category: z.enum(CATEGORIES) }))
      .optional()
      .describe('extension: the category over time since submission, what the SLA clocks are computed from'),
    urgentSince: isoTime.nullable().optional().describe('extension: when the ticket last became urgent (absent when urgent from its creation)'),
    lastPublicStaffCommentAt: isoTime.optional().describe("extension: the last public staff comment, which starts an urgent ticket's next status-update cycle"),
    automation: z
      .object({
        reminders: z.number().int(),
        slaWarned: z.object({ response: isoTime.optional(), resolution: isoTime.optional() }),
        slaBreached: z.object({ response: isoTime.optional(), resolution: isoTime.optional() }),
        monitoringEnded: z.boolean().optional(),
        updateWarned: isoTime.optional().describe('the start of the status-update cycle whose 75 % reminder was sent'),
        updateBreached: isoTime.optional().describe('the start of the status-update cycle whose breach was recorded'),
      })
      .optional()
      .describe('extension: what the automations already did, so each happens once'),
  })
  .meta({ id: 'Ticket' });

export const CommentSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    visibility: z.enum(['public', 'internal']),
    author: z.object({ id: z.string(), role: z.string(), email: z.string().nullable() }),
    channel: z.enum(['portal', 'api', 'email']),
    createdAt: isoTime,
    attachments: z.array(
      z.object({
        id: z.string().optional().describe('extension: mail attachments, `<raw message id>/<part>` (the bytes stay in the kept raw message)'),
        name: z.string(),
        size: z.number(),
        contentType: z.string(),
      }),
    ),
  })
  .meta({ id: 'Comment' });

export const HistoryEventSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    at: isoTime,
    actor: z.object({ id: z.string(), role: z.string() }),
    visibility: z.enum(['public', 'internal']),
    version: z.number().int(),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).optional(),
    commentId: z.string().optional(),
    reason: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    recipients: z.array(z.string()).optional().describe('notification events: who is notified'),
  })
  .meta({ id: 'HistoryEvent' });

export const UserSchema = PutUserBody.extend({ id: z.string(), updatedAt: isoTime }).meta({ id: 'User' });

export const MigrationSchema = z
  .object({
    id: z.string(),
    state: z.enum(['running', 'done']),
    total: z.number().int(),
    moved: z.number().int(),
    statusMap: z.record(z.string(), z.string()),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
  })
  .meta({ id: 'WorkflowMigration', description: 'A workflow switch moving open tickets in the background (202 while running)' });

export const SettingsSchema = SettingsBody.required().extend({ migration: MigrationSchema.optional() }).meta({ id: 'Settings' });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export const WorkflowExecutionSchema = z
  .object({
    executionArn: z.string().nullable(),
    status: z.string().describe('RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT or NOT_STARTED'),
    currentState: z.string().nullable(),
    waitingSince: isoTime.nullable(),
    consoleUrl: z.string().nullable(),
    generation: z.number().int().describe('1 for the first execution; successors (continue-as-new, repair) count up'),
    previousExecutions: z.array(z.string()),
  })
  .meta({ id: 'WorkflowExecution' });

export const WorkflowRepairSchema = WorkflowExecutionSchema.extend({
  action: z.enum(['started', 'restarted', 'woken', 'in-line']),
}).meta({ id: 'WorkflowRepair' });

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const ThirdPartyWaitSchema = z
  .object({
    id: z.string(),
    party: z.string(),
    reference: z.string(),
    email: z.string().nullable(),
    createdAt: isoTime,
    expiresAt: isoTime,
    state: z.enum(['waiting', 'answered', 'ended', 'expired']),
    answeredAt: isoTime.nullable(),
    enteredFrom: z.string().nullable(),
  })
  .meta({ id: 'ThirdPartyWait' });

export const ThirdPartyCreatedSchema = ThirdPartyWaitSchema.extend({
  callbackUrl: z.url().describe('Shown once: the token it carries is stored only as a hash'),
}).meta({ id: 'ThirdPartyCreated' });

export const ThirdPartyAnsweredSchema = z.object({ state: z.enum(['waiting', 'answered', 'ended', 'expired']) }).meta({ id: 'ThirdPartyAnswered' });
