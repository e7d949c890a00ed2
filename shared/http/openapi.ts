import * as z from 'zod';
import { ROUTES } from './routes';
import * as R from './response-schemas';
import * as S from './schemas';
import { UsageQuery, UsageSchema } from './usage-schemas';

interface Operation {
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  readonly response?: z.ZodType;
  readonly status?: number;
}

const ticketPage = R.pageOf(R.TicketSchema).meta({ id: 'TicketPage' });
const commentPage = R.pageOf(R.CommentSchema).meta({ id: 'CommentPage' });
const historyPage = R.pageOf(R.HistoryEventSchema).meta({ id: 'HistoryPage' });
const userPage = R.pageOf(R.UserSchema).meta({ id: 'UserPage' });
const thirdPartyList = z.object({ items: z.array(R.ThirdPartyWaitSchema) }).meta({ id: 'ThirdPartyWaitList' });

/** What each route takes and returns, by operationId; the route table says where it lives. */
const OPERATIONS: Record<string, Operation> = {
  getOpenApi: { response: z.object({}).loose() },
  getSettings: { response: R.SettingsSchema },
  putSettings: { body: S.PutSettingsBody, response: R.SettingsSchema },
  patchSettings: { body: S.SettingsPatchBody, response: R.SettingsSchema },
  getWorkflow: { response: S.WorkflowDefinitionSchema },
  listUsers: { query: S.PageQuery, response: userPage },
  putUser: { body: S.PutUserBody, response: R.UserSchema },
  createTicket: { body: S.CreateTicketBody, response: R.TicketSchema, status: 201 },
  listTickets: { query: S.TicketListQuery, response: ticketPage },
  getTicket: { response: R.TicketSchema },
  updateTicket: { body: S.PatchTicketBody, response: R.TicketSchema },
  submitTicket: { body: S.EmptyBody, response: R.TicketSchema },
  transitionTicket: { body: S.TransitionBody, response: R.TicketSchema },
  closeTicket: { body: S.EmptyBody, response: R.TicketSchema },
  reopenTicket: { body: S.ReopenBody, response: R.TicketSchema },
  addComment: { body: S.CommentBody, response: R.CommentSchema, status: 201 },
  listComments: { query: S.PageQuery, response: commentPage },
  listHistory: { query: S.PageQuery, response: historyPage },
  escalateTicket: { body: S.EscalateBody, response: R.TicketSchema },
  splitTicket: { body: S.SplitBody, response: R.TicketSchema, status: 201 },
  getTicketWorkflow: { response: R.WorkflowExecutionSchema },
  repairTicketWorkflow: { body: S.EmptyBody, response: R.WorkflowRepairSchema },
  requestThirdParty: { body: S.ThirdPartyRequestBody, response: R.ThirdPartyCreatedSchema, status: 201 },
  listThirdParty: { response: thirdPartyList },
  answerThirdParty: { body: S.ThirdPartyAnswerBody, response: R.ThirdPartyAnsweredSchema, status: 202 },
  getUsage: { query: UsageQuery, response: UsageSchema },
};

const PROBLEM_STATUSES: Record<string, string> = {
  '400': 'Invalid input',
  '401': 'No or bad token',
  '403': 'Role not allowed',
  '404': 'Absent, another tenant’s, or not visible to the caller',
  '409': 'Duplicate or idempotency conflict',
  '412': 'If-Match does not match the ticket version',
  '413': 'Body too large',
  '415': 'Body is not JSON',
  '410': 'The third-party wait ended or expired',
  '422': 'Refused by the workflow',
  '429': 'Throttled',
};

const problemRef = { $ref: '#/components/schemas/Problem' };

/** The OpenAPI 3.1 document, generated from the route table and the zod schemas. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const refOf = (schema: z.ZodType) => {
    const id = z.globalRegistry.get(schema)?.id;
    return id ? { $ref: `#/components/schemas/${id}` } : z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const op = OPERATIONS[route.operationId];
    if (!op) throw new Error(`No OpenAPI description for ${route.operationId}`);
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(m[1] === 'id' && route.path.startsWith('/v1/tickets') ? { description: 'Ticket id or key (e.g. ACME-42)' } : {}),
    }));
    const queryParams = op.query
      ? Object.entries(op.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema: z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }),
        }))
      : [];
    const headers = [
      ...(route.method === 'POST' && route.auth === 'jwt'
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }]
        : []),
      ...(['POST', 'PATCH'].includes(route.method) && route.path.startsWith('/v1/tickets/')
        ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The ticket ETag, e.g. "3"' }]
        : []),
    ];
    const errorResponses = Object.fromEntries(
      Object.entries(PROBLEM_STATUSES)
        .filter(([code]) => route.auth === 'jwt' || code === '429')
        .map(([code, description]) => [code, { description, content: { 'application/problem+json': { schema: problemRef } } }]),
    );
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: [...pathParams, ...queryParams, ...headers],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: refOf(op.body) } } } } : {}),
      responses: {
        [String(op.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: op.response ? refOf(op.response) : {} } } },
        ...errorResponses,
      },
    };
  }
  const components = z.toJSONSchema(z.globalRegistry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(components.schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ticketflow API',
      version: '1.0.0',
      description: 'Multi-tenant support-ticket workflow service. Errors are application/problem+json (RFC 9457).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: 'http://127.0.0.1:3000', description: 'local runtime (npm start)' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components.schemas,
    },
    paths,
  };
}
