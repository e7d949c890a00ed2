import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../shared/domain/workflow';
import { LIFECYCLE_ASL, LIFECYCLE_FUNCTIONS } from '../../shared/lifecycle/lifecycle-functions';

/**
 * statemachines/ticket-lifecycle.asl.json as Step Functions will get it: the
 * `${…FunctionArn}` placeholders substituted (CDK's definitionSubstitutions), then
 * checked with asl-validator and walked for the paths a ticket can take.
 */

interface ValidationResult {
  isValid: boolean;
  errors: unknown[];
  errorsText: (separator?: string) => string;
}
// asl-validator 4 is CommonJS without type declarations: `module.exports = function validator(definition, options)`.
const validateAsl = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => ValidationResult;

type State = Record<string, any> & { Type: string };
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  [field: string]: unknown;
}

const sampleArn = (id: string) => `arn:aws:lambda:eu-west-1:123456789012:function:ticketflow-${id}`;
const raw = readFileSync(new URL(`../../${LIFECYCLE_ASL}`, import.meta.url), 'utf8');
const substituted = LIFECYCLE_FUNCTIONS.reduce((text, t) => text.replaceAll(`\${${t.placeholder}}`, sampleArn(t.id)), raw);
/** A fresh copy each time: asl-validator writes a default QueryLanguage into the states it checks. */
const definition = (): Definition => JSON.parse(substituted) as Definition;
const { States: states, StartAt: startAt } = definition();

const isCallback = (s: State) => s.Type === 'Task' && typeof s.Resource === 'string' && s.Resource.endsWith('.waitForTaskToken');
const callbackStates = Object.entries(states).filter(([, s]) => isCallback(s));

/** Every state, including those of Parallel branches and Map item processors. */
function allStates(d: { States: Record<string, State> }): [string, State][] {
  return Object.entries(d.States).flatMap(([name, s]) => [
    [name, s] as [string, State],
    ...((s.Branches ?? []) as Definition[]).flatMap(allStates),
    ...[s.ItemProcessor, s.Iterator].filter(Boolean).flatMap((inner: Definition) => allStates(inner)),
  ]);
}

/** Targets a state can move to. */
const targetsOf = (s: State): string[] => [
  ...(s.Next ? [s.Next] : []),
  ...(s.Default ? [s.Default] : []),
  ...((s.Choices ?? []) as State[]).map((c) => c.Next),
  ...((s.Catch ?? []) as State[]).map((c) => c.Next),
];

type Rule = { Variable: string; StringEquals?: string; IsPresent?: boolean; Not?: Rule; Next: string };

/** The Route choice, evaluated the way Step Functions does for its rule forms: Variable + StringEquals, Not + Variable + IsPresent. */
function route(input: { next?: string; ticket?: { category: string }; wokenBy?: string }): string {
  const choice = states.Route!;
  const holds = (rule: Rule): boolean => {
    if (rule.Not) return !holds(rule.Not);
    const value = rule.Variable === '$.next' ? input.next : rule.Variable === '$.ticket.category' ? input.ticket?.category : undefined;
    return rule.IsPresent !== undefined ? (value !== undefined) === rule.IsPresent : value === rule.StringEquals;
  };
  for (const rule of choice.Choices as Rule[]) if (holds(rule)) return rule.Next;
  return choice.Default as string;
}

describe('ticket-lifecycle.asl.json', () => {
  it('has a Lambda function for every placeholder and no placeholder left', () => {
    const placeholders = new Set([...raw.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...placeholders].sort()).toEqual(LIFECYCLE_FUNCTIONS.map((t) => t.placeholder).sort());
    expect(substituted).not.toContain('${');
  });

  it('is valid Amazon States Language (asl-validator, paths and ARNs checked)', () => {
    const result = validateAsl(definition(), { checkPaths: true, checkArn: true });
    expect(result.errors, result.errorsText()).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('is plain JSONPath: no QueryLanguage (JSONata), no Assign (variables), no Arguments/Output fields', () => {
    const d = definition();
    expect(d).not.toHaveProperty('QueryLanguage');
    for (const [name, state] of allStates(d)) {
      for (const field of ['QueryLanguage', 'Assign', 'Arguments', 'Output']) expect(state, `${name}.${field}`).not.toHaveProperty(field);
      for (const rule of (state.Choices ?? []) as State[]) expect(rule, `${name}: JSONata Condition`).not.toHaveProperty('Condition');
    }
  });

  it('invokes only the lifecycle functions, each of them', () => {
    const invoked = Object.values(states)
      .filter((s) => s.Type === 'Task')
      .map((s) => {
        expect(s.Resource).toMatch(/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/);
        return s.Parameters.FunctionName as string;
      });
    expect([...new Set(invoked)].sort()).toEqual(LIFECYCLE_FUNCTIONS.map((t) => sampleArn(t.id)).sort());
  });

  it('times every callback state out when ReadTicket says the execution hands over (no polling), and hands each its task token', () => {
    expect(callbackStates.length).toBeGreaterThan(0);
    for (const [name, state] of callbackStates) {
      expect(state.TimeoutSecondsPath, `${name}.TimeoutSecondsPath`).toBe('$.waitSeconds');
      expect(state, `${name}: no fixed TimeoutSeconds`).not.toHaveProperty('TimeoutSeconds');
      expect(state.Parameters?.Payload?.['taskToken.$'], `${name}: taskToken.$`).toBe('$$.Task.Token');
    }
  });

  it('reaches every state from StartAt', () => {
    const seen = new Set<string>();
    const queue = [startAt];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      expect(states, `target ${name}`).toHaveProperty([name]);
      queue.push(...targetsOf(states[name]!));
    }
    expect([...seen].sort()).toEqual(Object.keys(states).sort());
  });

  describe('Route: where a ticket waits, by category', () => {
    const waiting = CATEGORIES.filter((c) => c !== 'cancelled');

    it('has only Variable/StringEquals rules after one Not IsPresent (what the scenarios below evaluate)', () => {
      expect(states.Route?.Type).toBe('Choice');
      const [first, ...rules] = states.Route!.Choices as State[];
      // Not IsPresent: true, because aws-local-stepfunctions@3 never matches IsPresent: false
      expect(first).toEqual({ Not: { Variable: '$.next', IsPresent: true }, Next: 'ReadTicket' });
      for (const rule of rules) expect(Object.keys(rule).sort()).toEqual(['Next', 'StringEquals', 'Variable']);
    });

    it('a callback state woken with a decision goes straight to Route; woken without one, through ReadTicket; timed out, through ReadTicket', () => {
      for (const [name, state] of callbackStates) {
        expect(state.Next, name).toBe('Route');
        expect(state, `${name}: its output is the waker's decision`).not.toHaveProperty('ResultPath');
        expect(state.Catch, name).toEqual([{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'ReadTicket' }]);
        // what the waker needs to decide as ReadTicket would
        expect(state.Parameters.Payload['cycle.$'], name).toBe('$.cycle');
        expect(state.Parameters.Payload['executionStartTime.$'], name).toBe('$$.Execution.StartTime');
      }
      expect(route({ wokenBy: 'ticket-changed' })).toBe('ReadTicket');
      expect(route({ next: 'wait', ticket: { category: 'active' } })).toBe('InProgress');
    });

    it.each(waiting.map((c) => [c] as const))('WaitsIn_%s: a ticket of this category waits in its own callback state', (category) => {
      const target = route({ next: 'wait', ticket: { category } });
      const state = states[target]!;
      expect(isCallback(state), target).toBe(true);
      expect(state.Parameters.Payload.category).toBe(category);
      expect(state.Parameters.Payload.state).toBe(target);
      expect(state.Next).toBe('Route');
    });

    it('leads every waiting category to a distinct callback state, and there is no other', () => {
      const targets = waiting.map((category) => route({ next: 'wait', ticket: { category } }));
      expect(new Set(targets).size).toBe(waiting.length);
      expect(targets.sort()).toEqual(callbackStates.map(([name]) => name).sort());
    });

    it('Cancelled: has no branch of its own; ReadTicket says next: end, and the execution succeeds in Ended', () => {
      expect((states.Route!.Choices as State[]).some((r) => r.StringEquals === 'cancelled')).toBe(false);
      const target = route({ next: 'end', ticket: { category: 'cancelled' } });
      expect(target).toBe('Ended');
      expect(states[target]!.Type).toBe('Succeed');
    });

    it('EndedWhileClosed: next decides before the category (a closed ticket past its reopen window ends)', () => {
      expect(route({ next: 'end', ticket: { category: 'closed' } })).toBe('Ended');
      expect(route({ next: 'advance', ticket: { category: 'new' } })).toBe('AdvanceTicket');
      expect(route({ next: 'continue-as-new', ticket: { category: 'active' } })).toBe('ContinueAsNew');
    });

    it('UnknownCategory: a category the machine does not know fails the execution', () => {
      const target = route({ next: 'wait', ticket: { category: 'archived' } });
      expect(states[target]!.Type).toBe('Fail');
      expect(route({ next: 'wait', ticket: { category: 'cancelled' } })).toBe(target);
    });
  });
});
