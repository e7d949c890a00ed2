/** Shared fixture for the local Step Functions tests: a movable clock, fake Lambdas, a service. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { type LambdaHandler, LocalStepFunctions, type StateMachineConfig } from '../../../local/stepfunctions';
import { FakeClock } from '../../support/fake-clock';

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';
export const SM_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:fixture-lifecycle`;
export const SYNC_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-sync`;
export const AWAIT_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-await`;
export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** The fixture ASL with its placeholders substituted, as the product does for its own ASL. */
export function fixtureDefinition(): object {
  const text = readFileSync(new URL('./fixture.asl.json', import.meta.url), 'utf8');
  const values: Record<string, string> = { SyncFunctionArn: SYNC_FN, AwaitFunctionArn: AWAIT_FN };
  return JSON.parse(text.replace(/\$\{(\w+)\}/g, (_m, key: string) => values[key] ?? `\${${key}}`)) as object;
}

export { FakeClock };

export interface Callback {
  readonly ticketId: string;
  readonly state: string;
  readonly taskToken: string;
}

/** The "product" side: a ticket store read by the Sync Lambda, and the callbacks handed out. */
export class World {
  readonly categories = new Map<string, string>();
  readonly callbacks: Callback[] = [];
  readonly syncPayloads: Array<Record<string, unknown>> = [];
  /** Errors the Sync Lambda throws on its next calls (one per call). */
  readonly syncErrors: Error[] = [];

  lambdas(): Record<string, LambdaHandler> {
    return {
      [SYNC_FN]: async (payload) => {
        const p = payload as { ticketId: string };
        this.syncPayloads.push(p as Record<string, unknown>);
        const error = this.syncErrors.shift();
        if (error) throw error;
        return { ticketId: p.ticketId, ticket: { category: this.categories.get(p.ticketId) ?? 'unknown' } };
      },
      [AWAIT_FN]: async (payload) => {
        const p = payload as { ticketId: string; state: string; taskToken: string };
        this.callbacks.push({ ticketId: p.ticketId, state: p.state, taskToken: p.taskToken });
        return { stored: true };
      },
    };
  }

  /** The token most recently handed to the Await Lambda for this ticket. */
  lastCallback(ticketId: string): Callback {
    const found = this.callbacks.filter((c) => c.ticketId === ticketId).at(-1);
    if (!found) throw new Error(`no callback for ${ticketId}`);
    return found;
  }
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'local-sfn-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Started {
  readonly sfn: LocalStepFunctions;
  readonly client: SFNClient;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startService(options: {
  world: World;
  clock: FakeClock;
  dataDir: string;
  extraMachines?: StateMachineConfig[];
  retryIntervalMs?: number;
}): Promise<Started> {
  const sfn = new LocalStepFunctions({
    dataDir: options.dataDir,
    clock: options.clock,
    stateMachines: [{ arn: SM_ARN, name: 'fixture-lifecycle', definition: fixtureDefinition() }, ...(options.extraMachines ?? [])],
    lambdas: options.world.lambdas(),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
  });
  const { endpoint } = await sfn.listen(0);
  const client = new SFNClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  return {
    sfn,
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await sfn.close();
    },
  };
}

export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const out = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return out.events ?? [];
}

/** The states the execution went through, in order (from the *StateEntered events). */
export function statePath(events: readonly HistoryEvent[]): string[] {
  return events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name ?? '?');
}

export function eventTypes(events: readonly HistoryEvent[]): string[] {
  return events.map((e) => e.type ?? '?');
}

/** Rejects with the SDK error's name (`ExecutionAlreadyExists`, `TaskTimedOut`…). */
export async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to fail');
}
