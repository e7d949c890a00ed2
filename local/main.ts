/**
 * `npm start`: the whole Ticketflow system on this machine, on 127.0.0.1 only.
 * Ctrl-C stops everything it started; data stays in `.ticketflow/`.
 */
import { join } from 'node:path';
import { ROUTES } from '../shared/http/routes';
import { JavaMissingError } from './dynamodb/dynamodb-local';
import { DEMO_FINANCE, DEMO_TENANT, DEMO_USERS, PROJECT_ROOT, startLocalRuntime } from './runtime';

// The SDK warns that Node 20 support ends in 2027: true, and Lambda runs Node.js 22 already.
// Locally the warning is noise in the first screen a newcomer sees.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number`);
  return value;
};

async function main() {
  const dataDir = process.env.TICKETFLOW_DATA_DIR ?? join(PROJECT_ROOT, '.ticketflow');
  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: port('TICKETFLOW_API_PORT', 3000),
    dynamoPort: port('TICKETFLOW_DYNAMODB_PORT', 8000),
    sfnPort: port('TICKETFLOW_SFN_PORT', 8083),
    schedulerPort: port('TICKETFLOW_SCHEDULER_PORT', 8084),
    sesPort: port('TICKETFLOW_SES_PORT', 8005),
    smtpPort: port('TICKETFLOW_SMTP_PORT', 2525),
  });
  const url = runtime.apiUrl;
  const lines = [
    '',
    'Ticketflow is running (127.0.0.1 only). Ctrl-C stops it; data stays in ' + dataDir,
    '',
    `  HTTP API        ${url}`,
    `  OpenAPI         ${url}/openapi.json`,
    `  console         ${url}/console/   (tickets, timelines, executions, clock, outbox, usage)`,
    `  health          ${url}/_local/health`,
    `  tokens          POST ${url}/_local/token`,
    `  DynamoDB Local  ${runtime.dynamoEndpoint}`,
    `  Step Functions  ${runtime.sfnEndpoint}   (aws stepfunctions list-executions --endpoint-url ${runtime.sfnEndpoint} …)`,
    `  Scheduler       ${runtime.schedulerEndpoint}   (aws scheduler list-schedules --endpoint-url ${runtime.schedulerEndpoint})`,
    `  mail out (SES)  ${runtime.sesEndpoint}   (outbox: GET ${runtime.sesEndpoint}/store; viewer: ${runtime.sesEndpoint}/)`,
    `  mail in (SMTP)  ${runtime.smtpEndpoint}   (replies to notifications; raw kept in ${join(dataDir, 'mail', 'inbound')})`,
    `  local clock     ${url}/_local/clock   now ${runtime.clock.now().toISOString()}; POST {"advance":"P3D"} to move it, {"freeze":true} to stop it${runtime.clock.frozen ? ' (frozen now)' : ''}`,
    '',
    runtime.demoCreated ? `Demo tenant "${DEMO_TENANT}" created.` : `Demo tenant "${DEMO_TENANT}" found (data kept from the last run).`,
    'A ready curl line per role (get a token, then list tickets):',
  ];
  const who = [
    ...DEMO_USERS.map((u) => ({
      label: `${u.role} ${u.email}`,
      claims: { tid: DEMO_TENANT, sub: u.id, role: u.role, email: u.email, ...(u.org ? { org: u.org } : {}) },
    })),
    { label: `finance ${DEMO_FINANCE.email}`, claims: { sub: DEMO_FINANCE.sub, role: DEMO_FINANCE.role, email: DEMO_FINANCE.email } },
  ];
  for (const { label, claims } of who) {
    const path = claims.role === 'finance' ? '/v1/usage' : claims.role === 'admin' ? '/v1/settings' : '/v1/tickets';
    // Advertise only what exists (finance has no route of its own yet).
    if (!ROUTES.some((r) => r.method === 'GET' && r.path === path)) continue;
    lines.push(
      '',
      `  # ${label}`,
      `  TOKEN=$(curl -s -X POST ${url}/_local/token -H 'content-type: application/json' -d '${JSON.stringify(claims)}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
      `  curl -s ${url}${path} -H "authorization: Bearer $TOKEN"`,
    );
  }
  console.log(lines.join('\n'));
  console.log('\nReady.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await runtime.stop();
    console.log('Stopped. Data kept in ' + dataDir);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) console.error(error.message);
  else console.error(`Ticketflow could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
