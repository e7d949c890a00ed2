import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../shared/config-names';
import { DEMO_FINANCE, DEMO_TENANT, DEMO_USERS, ensureDemoTenant } from './demo-tenant';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/dynamodb-local';
import { ensureTable } from './dynamodb/ensure-table';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from './local-aws';
import { LocalGateway } from './local-gateway';
import { LocalTokenIssuer, TokenRequest } from './local-tokens';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface RuntimeOptions {
  /** Where DynamoDB data and the token secret live (default `.ticketflow/`). */
  readonly dataDir: string;
  readonly apiPort: number;
  readonly dynamoPort: number;
  /** Use an already running DynamoDB (tests share one per run) instead of starting one. */
  readonly dynamoEndpoint?: string;
  readonly tableName?: string;
  readonly seedDemo?: boolean;
}

export interface LocalRuntime {
  readonly apiUrl: string;
  readonly dynamoEndpoint: string;
  readonly tokens: LocalTokenIssuer;
  readonly demoCreated: boolean;
  stop(): Promise<void>;
}

/**
 * Brings up the whole local system on 127.0.0.1: DynamoDB Local, the table,
 * the gateway with every route's real handler, and the demo tenant.
 */
export async function startLocalRuntime(options: RuntimeOptions): Promise<LocalRuntime> {
  mkdirSync(options.dataDir, { recursive: true });
  let dynamo: DynamoDbLocal | undefined;
  const endpoint =
    options.dynamoEndpoint ??
    (dynamo = await startDynamoDbLocal({ dataDir: join(options.dataDir, 'dynamodb'), port: options.dynamoPort })).endpoint;
  const tableName = options.tableName ?? 'ticketflow';
  try {
    await ensureTable(localDynamoClient(endpoint), tableName);
    // The handlers read their configuration once, at import: set it before anything imports them.
    Object.assign(process.env, {
      [ENV.tableName]: tableName,
      [ENV.dynamoEndpoint]: endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });
    const tokens = LocalTokenIssuer.fromFile(join(options.dataDir, 'jwt-secret'));
    const { deps } = await import('../shared/wiring');
    const demoCreated = options.seedDemo === false ? false : await ensureDemoTenant(deps);
    const gateway = new LocalGateway(PROJECT_ROOT, tokens, {
      'POST /_local/token': async (_req, body) => {
        let json: unknown;
        try {
          json = JSON.parse(body || '{}');
        } catch {
          return { status: 400, body: { type: 'about:blank', title: 'Invalid request', status: 400, detail: 'The body is not valid JSON.' } };
        }
        const parsed = TokenRequest.safeParse(json);
        if (!parsed.success)
          return {
            status: 400,
            body: {
              type: 'about:blank',
              title: 'Invalid request',
              status: 400,
              detail: 'The token request is invalid.',
              errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
            },
          };
        return { status: 200, body: { token: await tokens.sign(parsed.data) } };
      },
      'GET /_local/health': async () => {
        try {
          await deps.settings.get('__health__');
          return { status: 200, body: { status: 'ok', components: { api: 'ok', dynamodb: 'ok' } } };
        } catch {
          return { status: 503, body: { type: 'about:blank', title: 'Unavailable', status: 503, detail: 'DynamoDB Local does not answer.' } };
        }
      },
    });
    await gateway.warm();
    const port = await gateway.listen(options.apiPort);
    return {
      apiUrl: `http://127.0.0.1:${port}`,
      dynamoEndpoint: endpoint,
      tokens,
      demoCreated,
      async stop() {
        await gateway.close();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}

export { DEMO_FINANCE, DEMO_TENANT, DEMO_USERS };
