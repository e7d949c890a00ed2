import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/ticket-function';
import { TIMER_FUNCTION_NAME, TIMER_SCHEDULE_GROUP_NAME } from '../../infra/constructs/ticket-timers';
import { ROUTES } from '../../shared/http/routes';
import { FAKE_ENV } from '../bench/bundle-bench';
import { LIFECYCLE_FUNCTIONS, LIFECYCLE_STATE_MACHINE_NAME } from '../../shared/lifecycle/lifecycle-functions';

/**
 * The one real `cdk synth` of the suite: the CLI, cdk.json, tsx, esbuild bundling
 * of every handler and cdk-nag, exactly as `npx cdk deploy` would run them.
 */

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> }> };

const outdir = mkdtempSync(join(tmpdir(), 'ticketflow-synth-'));
let result: ReturnType<typeof spawnSync>;
let seconds = 0;

beforeAll(() => {
  const started = Date.now();
  result = spawnSync('npx', ['cdk', 'synth', '--quiet', '-o', outdir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 110_000,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CI: 'true' },
  });
  seconds = (Date.now() - started) / 1000;
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Resolve the externalized @aws-sdk/* imports of the bundles from the project's node_modules. */
function linkNodeModules(): void {
  if (!existsSync(join(outdir, 'node_modules'))) symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(outdir, 'node_modules'), 'dir');
}

const template = (stack: string): Template => JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'));

/** The bundle directory of every Lambda function in a template. */
function bundles(t: Template): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    dirs.set(id, join(outdir, r.Metadata!['aws:asset:path'] as string));
  }
  return dirs;
}

describe('npx cdk synth (real bundling)', () => {
  it('exits 0', () => {
    expect(result.error, String(result.error)).toBeUndefined();
    expect(result.status, `${result.stderr}`).toBe(0);
    console.info(`cdk synth took ${seconds.toFixed(1)} s`);
  });

  it('writes both stack templates', () => {
    expect(existsSync(join(outdir, 'TicketflowStateful.template.json'))).toBe(true);
    expect(existsSync(join(outdir, 'TicketflowStateless.template.json'))).toBe(true);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? [])).toEqual([]);
  });

  it('bundles every function as a minified CommonJS file with a source map, AWS SDK left external', () => {
    const stateless = bundles(template('TicketflowStateless'));
    // + the timer function, the table's stream consumer and the two mail functions (in, feedback)
    expect(stateless.size).toBe(ROUTES.length + LIFECYCLE_FUNCTIONS.length + 4);
    // the pre token generation trigger, with the user pool
    const stateful = bundles(template('TicketflowStateful'));
    expect(stateful.size).toBe(1);
    const dirs = [...stateless, ...[...stateful].map(([id, dir]) => [`TicketflowStateful/${id}`, dir] as const)];
    for (const [id, dir] of dirs) {
      const code = readFileSync(join(dir, 'index.js'), 'utf8');
      expect(existsSync(join(dir, 'index.js.map')), id).toBe(true);
      expect(code, id).toMatch(/\bmodule\.exports\b/);
      expect(code, id).not.toMatch(/\bimport\.meta\b|^export\s*\{|[;}]export\s*\{/m);
      // no copy of the SDK's clients inside: imports are left for the runtime
      expect(code, id).not.toMatch(/class DynamoDBClient\b/);
    }
  });

  it('produces bundles that load under Node and export a handler', async () => {
    linkNodeModules();
    process.env.TABLE_NAME ??= 'synth-test-table';
    // The user pool and its trigger are in the stateful stack, the routes in the stateless one.
    const data = template('TicketflowStateful');
    const pool = Object.values(data.Resources).find((r) => r.Type === 'AWS::Cognito::UserPool')!;
    const triggerId = pool.Properties.LambdaConfig.PreTokenGenerationConfig.LambdaArn['Fn::GetAtt'][0] as string;
    const trigger = await import(pathToFileURL(join(bundles(data).get(triggerId)!, 'index.js')).href);
    const event = {
      request: { userAttributes: { 'custom:tid': 'acme', 'custom:role': 'agent', email: 'a@acme.example' } },
      response: { claimsAndScopeOverrideDetails: {} },
    };
    const out = await trigger.handler(event);
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAddOrOverride).toEqual({
      tid: 'acme',
      role: 'agent',
      email: 'a@acme.example',
    });
    const route = [...bundles(template('TicketflowStateless'))].find(([id]) => id.startsWith('GetTicket'))!;
    const getTicket = await import(pathToFileURL(join(route[1], 'index.js')).href);
    expect(typeof getTicket.handler).toBe('function');
  });

  it('loads every bundle with every capability declared, the mail receiver (an ES-module-only reply parser inside) included', async () => {
    linkNodeModules();
    const saved = { ...process.env };
    try {
      Object.assign(process.env, FAKE_ENV);
      const dirs = [...bundles(template('TicketflowStateless'))];
      expect(dirs.filter(([id]) => id.includes('ReceiveMail'))).toHaveLength(1);
      for (const [id, dir] of dirs) {
        const mod = await import(pathToFileURL(join(dir, 'index.js')).href);
        expect(typeof mod.handler, id).toBe('function');
      }
    } finally {
      for (const k of Object.keys(FAKE_ENV)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('bundles the lifecycle tasks: each loads with the STATE_MACHINE_ARN CDK gives it (ReadTicket too: it will not load without)', async () => {
    linkNodeModules();
    process.env.TABLE_NAME ??= 'synth-test-table';
    const dirs = [...bundles(template('TicketflowStateless'))];
    const bundleOf = (taskId: string) => {
      const found = dirs.filter(([id]) => new RegExp(`^Lifecycle${taskId}Function[0-9A-F]{8}$`).test(id));
      expect(found, taskId).toHaveLength(1);
      return join(found[0]![1], 'index.js');
    };
    const saved = process.env.STATE_MACHINE_ARN;
    try {
      // A copy (with its source map), so the module loaded below is a fresh one.
      const probeDir = join(outdir, 'read-ticket-without-state-machine-arn');
      mkdirSync(probeDir);
      for (const file of ['index.js', 'index.js.map']) copyFileSync(join(dirname(bundleOf('ReadTicket')), file), join(probeDir, file));
      const probe = join(probeDir, 'index.js');
      delete process.env.STATE_MACHINE_ARN;
      await expect(import(pathToFileURL(probe).href)).rejects.toThrow(/STATE_MACHINE_ARN/);

      process.env.STATE_MACHINE_ARN = `arn:aws:states:eu-west-1:123456789012:stateMachine:${LIFECYCLE_STATE_MACHINE_NAME}`;
      for (const task of LIFECYCLE_FUNCTIONS) {
        const mod = await import(pathToFileURL(bundleOf(task.id)).href);
        expect(typeof mod.handler, task.id).toBe('function');
      }
    } finally {
      if (saved === undefined) delete process.env.STATE_MACHINE_ARN;
      else process.env.STATE_MACHINE_ARN = saved;
    }
  });

  it('bundles the timer function: it loads with the timer configuration CDK gives it', async () => {
    linkNodeModules();
    process.env.TABLE_NAME ??= 'synth-test-table';
    const t = template('TicketflowStateless');
    const [timerId, timer] = Object.entries(t.Resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === TIMER_FUNCTION_NAME,
    )!;
    expect(timer.Properties.DeadLetterConfig?.TargetArn).toBeDefined();
    expect(Object.keys(timer.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['STATE_MACHINE_ARN', 'SCHEDULE_GROUP', 'TIMER_TARGET_ARN', 'SCHEDULER_ROLE_ARN', 'TIMER_DLQ_ARN']),
    );
    // The deployed values, with sample account/region/resource values for the tokens.
    const sample: Record<string, string> = {
      STATE_MACHINE_ARN: `arn:aws:states:eu-west-1:123456789012:stateMachine:${LIFECYCLE_STATE_MACHINE_NAME}`,
      SCHEDULE_GROUP: TIMER_SCHEDULE_GROUP_NAME,
      TIMER_TARGET_ARN: `arn:aws:lambda:eu-west-1:123456789012:function:${TIMER_FUNCTION_NAME}`,
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/TicketflowStateless-TimersSchedulerRole',
      TIMER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:TicketflowStateful-TimerDeadLetterQueue',
      // the stream consumer also mails: the configuration set CDK names
      MAIL_OUT: 'ses',
      SES_CONFIGURATION_SET: 'TicketflowStateless-MailNotifications',
    };
    expect(timer.Properties.Environment.Variables.SCHEDULE_GROUP).toBe(TIMER_SCHEDULE_GROUP_NAME);
    const saved = Object.fromEntries(Object.keys(sample).map((k) => [k, process.env[k]]));
    try {
      Object.assign(process.env, sample);
      const mod = await import(pathToFileURL(join(bundles(t).get(timerId)!, 'index.js')).href);
      expect(typeof mod.handler).toBe('function');
      // The stream consumer holds the same two capabilities and loads with the same values.
      const followers = [...bundles(t)].filter(([id]) => /^ChangesFollowTicketChangesFunction[0-9A-F]{8}$/.test(id));
      expect(followers).toHaveLength(1);
      const consumer = await import(pathToFileURL(join(followers[0]![1], 'index.js')).href);
      expect(typeof consumer.handler).toBe('function');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
