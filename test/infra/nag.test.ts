import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { TIMER_SCHEDULE_GROUP_NAME } from '../../infra/constructs/ticket-timers';
import { LIFECYCLE_FUNCTIONS, LIFECYCLE_STATE_MACHINE_NAME } from '../../shared/lifecycle/lifecycle-functions';

/**
 * cdk-nag 3 is a policy validation plugin (Validations.of(app).addPlugins), not an
 * Aspect. It runs at the end of app.synth(): unacknowledged findings go into
 * `validation-report.json` in the cloud assembly; any *error* fails the synth (in a
 * test run, NODE_ENV=test, the thrown error carries the whole report). Warnings do
 * not fail the synth, so the report is read as well.
 */

interface Violation {
  ruleName: string;
  severity: string;
  description: string;
  violatingConstructs?: { constructPath: string }[];
}
interface ValidationReport {
  pluginReports: { pluginName?: string; summary?: { pluginName?: string }; violations?: Violation[]; conclusion?: string }[];
}

const outdirs: string[] = [];
const tempOutdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ticketflow-nag-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const readReport = (outdir: string): ValidationReport => JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));

/** Every acknowledgement in the tree: rule id → reasons (or → the paths of the constructs acknowledging it). */
function acknowledgements(root: IConstruct, what: 'reason' | 'path' = 'reason'): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        found.set(rule, [...(found.get(rule) ?? []), what === 'reason' ? reason : c.node.path]);
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  const outdir = tempOutdir();
  const { app, stateful } = buildApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });

  it('synthesizes the app with no unacknowledged error or warning', () => {
    // Throws with the report when any rule reports an error.
    app.synth();
    const report = readReport(outdir);
    const violations = report.pluginReports.flatMap((r) =>
      (r.violations ?? []).map(
        (v) => `${v.severity} ${v.ruleName}: ${v.description} @ ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`,
      ),
    );
    expect(violations).toEqual([]);
  });

  it('acknowledges only the reviewed rules, each with a real reason', () => {
    app.synth(); // cached: acknowledgements that need resolved references are recorded during synth
    const acks = acknowledgements(app);
    const rules = [...new Set([...acks.keys()].map((id) => id.replace(/\[.*$/, '')))].sort();
    // Adding a rule here is a decision: write its reason next to the acknowledgement.
    expect(rules).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-COG2',
      'AwsSolutions-COG8',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SQS3',
    ]);
    for (const [id, reasons] of acks) {
      for (const reason of reasons) expect(reason.length, `reason for ${id}`).toBeGreaterThan(40);
    }
    // The wildcard acknowledgements are the specific findings, never the whole rule.
    const iam5 = [...acks.keys()].filter((id) => id.startsWith('AwsSolutions-IAM5')).sort();
    expect(iam5.every((id) => /^AwsSolutions-IAM5\[(Resource|Action)::.+\]$/.test(id))).toBe(true);
    const resourceWildcards = iam5.filter((id) => id.startsWith('AwsSolutions-IAM5[Resource::') && id !== 'AwsSolutions-IAM5[Resource::*]');
    expect(resourceWildcards).toHaveLength(6 + LIFECYCLE_FUNCTIONS.length);
    expect(resourceWildcards).toEqual(
      expect.arrayContaining([
        // the table's GSIs
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::TicketflowStateful:.+\/index\/\*\]$/),
        // DescribeExecution/StopExecution: the executions of the one lifecycle state machine
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${LIFECYCLE_STATE_MACHINE_NAME}:*]`,
        // the state machine's grantInvoke: each task function and its versions/aliases
        ...LIFECYCLE_FUNCTIONS.map((t) =>
          expect.stringMatching(new RegExp(`^AwsSolutions-IAM5\\[Resource::<Lifecycle${t.id}Function[0-9A-F]{8}\\.Arn>:\\*\\]$`)),
        ),
        // the stream consumer: the table's own stream, whose label is known at deploy time
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::TicketflowStateful:.+StreamArn.*\]$/),
        // ReceiveMail's s3:GetObject: the raw messages under the receipt rule's prefix
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::TicketflowStateful:.+InboundMail.+\/inbound\/\*\]$/),
        // ses:SendEmail: the tenants' own verified identities (tenant data)
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        // scheduler:Create/Update/DeleteSchedule: the per-ticket schedules of the one timer group
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${TIMER_SCHEDULE_GROUP_NAME}/*]`,
      ]),
    );
    // SQS3 (no DLQ of its own) only on the two dead-letter queues, which are DLQs.
    const paths = acknowledgements(app, 'path');
    expect(paths.get('AwsSolutions-SQS3')?.sort()).toEqual([stateful.changeDeadLetterQueue.node.path, stateful.timerDeadLetterQueue.node.path].sort());
    // The Cognito decisions (optional MFA, ESSENTIALS plan) only on the user pool, in the stateful stack.
    expect(stateful.userPool.node.path).toBe('TicketflowStateful/UserPool');
    expect(paths.get('AwsSolutions-COG2')).toEqual([stateful.userPool.node.path]);
    expect(paths.get('AwsSolutions-COG8')).toEqual([stateful.userPool.node.path]);
  });

  it('does catch a finding in this setup (control: an unprotected table fails the synth)', () => {
    const control = new App({ outdir: tempOutdir(), context: { 'aws:cdk:bundling-stacks': [] } });
    Validations.of(control).addPlugins(new AwsSolutionsChecks(control));
    const stack = new Stack(control, 'Control');
    new dynamodb.Table(stack, 'Unprotected', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    expect(() => control.synth()).toThrow(/AwsSolutions-DDB3/);
  });
});
