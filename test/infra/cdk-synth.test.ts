import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/ticket-function';
import { ROUTES } from '../../shared/http/routes';

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

  it('bundles every function as a minified ESM file with a source map, AWS SDK left external', () => {
    const dirs = bundles(template('TicketflowStateless'));
    expect(dirs.size).toBe(ROUTES.length + 1);
    for (const [id, dir] of dirs) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(existsSync(join(dir, 'index.mjs.map')), id).toBe(true);
      expect(code, id).not.toMatch(/\bmodule\.exports\b/);
      expect(code, id).toMatch(/export\s*\{/);
      // no copy of the SDK's clients inside: imports are left for the runtime
      expect(code, id).not.toMatch(/class DynamoDBClient\b/);
    }
  });

  it('produces bundles that load under Node and export a handler', async () => {
    // Resolve the externalized @aws-sdk/* imports from the project's node_modules.
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(outdir, 'node_modules'), 'dir');
    process.env.TABLE_NAME ??= 'synth-test-table';
    const t = template('TicketflowStateless');
    const pool = Object.values(t.Resources).find((r) => r.Type === 'AWS::Cognito::UserPool')!;
    const triggerId = pool.Properties.LambdaConfig.PreTokenGenerationConfig.LambdaArn['Fn::GetAtt'][0] as string;
    const dirs = bundles(t);
    const trigger = await import(pathToFileURL(join(dirs.get(triggerId)!, 'index.mjs')).href);
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
    const route = [...dirs].find(([id]) => id.startsWith('GetTicket'))!;
    const getTicket = await import(pathToFileURL(join(route[1], 'index.mjs')).href);
    expect(typeof getTicket.handler).toBe('function');
  });
});
