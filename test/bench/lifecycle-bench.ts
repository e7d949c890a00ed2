/**
 * Part of `npm run bench`: what the lifecycle costs. (1) The time from a transition's
 * commit (its answer) to its effects being done (the stream drained, the execution
 * woken and waiting again, the schedules in line), p50/p99, and
 * (2) Step Functions state transitions for a typical life of each preset, counted
 * from the executions' histories (Standard workflows bill per state transition).
 */
import type { LocalRuntime } from '../../local/runtime';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export type Step = { as: 'agent' | 'customer'; post: string; body?: object; method?: 'PATCH' };
const go = (to: string): Step => ({ as: 'agent', post: 'transitions', body: { to } });
const reply: Step = { as: 'customer', post: 'comments', body: { body: 'here you are' } };
const confirm: Step = { as: 'customer', post: 'close' };
const assign: Step = { as: 'agent', post: '', method: 'PATCH', body: { assignee: 'agent' } };

/** A typical life per preset: the seed's main path, one customer round trip, confirmed or closed. */
export const TYPICAL: Record<string, { create?: object; steps: Step[] }> = {
  default: { steps: [go('open'), go('pending'), reply, go('solved'), confirm] },
  boltrics: { steps: [go('016-READY'), assign, go('020-ASSIGNED'), go('030-ANALYSIS'), go('035-INFO-NEEDED'), reply, go('045-TEST-CUSTOMER'), confirm] },
  'jira-partner': { steps: [go('en-cours'), go('en-attente-client'), reply, go('resolue'), confirm] },
  assu: { steps: [go('in-behandeling'), go('wachtend-op-klant'), reply, go('opgelost'), confirm] },
  provider: {
    create: { type: 'bug', severity: 'high' },
    steps: ['pending-evaluation', 'evaluated', 'scheduled', 'testing-staging', 'qa-testing', 'release', 'monitor', 'closed'].map(go),
  },
};

export async function lifecycleBench(runtime: LocalRuntime, wakes: number): Promise<string[]> {
  const lines: string[] = [];
  const durations: number[] = [];
  const url = runtime.apiUrl;
  const agent = await runtime.tokens.sign({ tid: 'bench-life', sub: 'agent', role: 'agent' });
  const customer = await runtime.tokens.sign({ tid: 'bench-life', sub: 'cust', role: 'customer', org: 'acme', email: 'c@acme.example' });
  const call = async (token: string, path: string, body?: object, method = 'POST') => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    const json = (await res.json()) as { id: string };
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // (1) new → open wakes the execution waiting in New.
  const ids: string[] = [];
  for (let i = 0; i < wakes; i++) ids.push((await call(customer, '/v1/tickets', { subject: 'wake me' })).id);
  await runtime.settled();
  for (const id of ids) {
    await call(agent, `/v1/tickets/${id}/transitions`, { to: 'open' });
    const committed = performance.now();
    await runtime.settled();
    durations.push(performance.now() - committed);
  }
  const sorted = [...durations].sort((a, b) => a - b);
  lines.push(
    `Commit to effect of a transition that wakes its execution (${sorted.length} transitions, stream → execution woken and waiting again): p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
  );

  // (2) state transitions and schedules per typical life.
  const { requireTimers } = await import('../../shared/wiring/timers');
  const scheduler = requireTimers().scheduler as { upsert: (...a: never[]) => Promise<void>; remove: (...a: never[]) => Promise<void> };
  const counts = { upsert: 0, remove: 0 };
  const [upsert, remove] = [scheduler.upsert.bind(scheduler), scheduler.remove.bind(scheduler)];
  scheduler.upsert = async (...a) => (counts.upsert++, upsert(...a));
  scheduler.remove = async (...a) => (counts.remove++, remove(...a));
  lines.push('', 'Per typical life: Step Functions state transitions (states entered, all executions) and EventBridge schedules created/moved and deleted:');
  for (const [preset, life] of Object.entries(TYPICAL)) {
    const tid = `bench-${preset}`;
    const admin = await runtime.tokens.sign({ tid, sub: 'admin', role: 'admin' });
    await fetch(`${url}/v1/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: preset }),
    });
    // the agent is in the directory, so it can be the assignee (boltrics 020-ASSIGNED needs one)
    await call(admin, '/v1/users/agent', { email: `agent@${tid}.example`, name: 'Agent', role: 'agent' }, 'PUT');
    const tokens = {
      agent: await runtime.tokens.sign({ tid, sub: 'agent', role: 'agent' }),
      customer: await runtime.tokens.sign({ tid, sub: 'cust', role: 'customer', org: 'acme', email: 'c@acme.example' }),
    };
    counts.upsert = 0;
    counts.remove = 0;
    const ticket = await call(tokens.customer, '/v1/tickets', { subject: 'typical', ...life.create });
    await runtime.settled();
    // boltrics: the lifecycle itself moves 010-SUBMITTED on to 012-NEW
    for (const step of life.steps) {
      await call(tokens[step.as], `/v1/tickets/${ticket.id}${step.post ? `/${step.post}` : ''}`, step.body, step.method);
      await runtime.settled();
    }
    const view = (await (await fetch(`${url}/v1/tickets/${ticket.id}/workflow`, { headers: { authorization: `Bearer ${tokens.agent}` } })).json()) as {
      executionArn: string;
      previousExecutions: string[];
      status: string;
    };
    let entered = 0;
    for (const arn of [...view.previousExecutions, view.executionArn]) {
      const history = await runtime.stepFunctions.getExecutionHistory({ executionArn: arn, maxResults: 1000 });
      entered += (history.events ?? []).filter((e: { type?: string }) => e.type?.endsWith('StateEntered')).length;
    }
    lines.push(
      `  ${preset.padEnd(13)} ${String(life.steps.length).padStart(2)} API steps → ${entered} state transitions (execution ${view.status}); schedules: ${counts.upsert} created or moved, ${counts.remove} deleted`,
    );
  }
  scheduler.upsert = upsert;
  scheduler.remove = remove;
  return lines;
}
