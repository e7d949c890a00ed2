import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../shared/domain/errors';
import type { Ticket } from '../../shared/domain/ticket';
import { toProblem } from '../../shared/http/problem';
import { mutateTicket, type Decision } from '../../shared/tickets/mutate-ticket';
import { aTicket, caller, fakeDeps } from './fakes';

const agent = caller('agent');
const raisePriority = (): Decision => ({
  patch: { priority: 'high' },
  events: [{ type: 'fields-changed', actor: { id: agent.sub, role: agent.role }, visibility: 'public', changes: { priority: { from: 'normal', to: 'high' } } }],
});

describe('mutateTicket', () => {
  it.each([1, 3])('decides again on the winner’s ticket after %i lost race(s), without reading it, then writes on top of it', async (losses) => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ version: 1 }));
    let reads = 0;
    const read = deps.tickets.get.bind(deps.tickets);
    deps.tickets.get = (t, id) => (reads++, read(t, id));
    // A concurrent writer gets in before each of the first `losses` writes.
    let raced = 0;
    deps.tickets.beforeUpdate = () => {
      if (raced >= losses) return;
      raced++;
      const stored = deps.tickets.peek('acme', 'TK1');
      deps.tickets.overwrite('acme', { ...stored, team: `team-${raced}`, version: stored.version + 1 });
    };
    const seen: Ticket[] = [];

    const result = await mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: null }, (t) => {
      seen.push(t);
      return raisePriority();
    });
    // one read, before the first attempt: each lost race handed the winner's ticket back
    expect(reads).toBe(1);

    // Each decision saw the ticket as the previous winner left it.
    expect(seen.map((t) => t.version)).toEqual(Array.from({ length: losses + 1 }, (_, i) => i + 1));
    expect(seen.at(-1)!.team).toBe(`team-${losses}`);
    // Neither effect is lost: the winner's team and our priority are both stored.
    const stored = await deps.tickets.get('acme', 'TK1');
    expect(stored).toMatchObject({ version: losses + 2, team: `team-${losses}`, priority: 'high' });
    // what the caller gets is what was stored, with the SLA figures computed as of now
    expect({ ...result.ticket, sla: stored!.sla }).toEqual(stored);
    expect(result.ticket.sla.response.elapsedMinutes).toEqual(expect.any(Number));
    expect(deps.tickets.updateCalls.map((c) => c.expectedVersion)).toEqual(seen.map((t) => t.version));
  });

  it('a writer that keeps losing is told to come back (429 with Retry-After), not that we failed (500); it backs off longer each time', async () => {
    vi.useFakeTimers();
    try {
      const deps = fakeDeps();
      deps.tickets.seed('acme', aTicket({ version: 1 }));
      // someone else always gets in first
      deps.tickets.beforeUpdate = () => {
        const stored = deps.tickets.peek('acme', 'TK1');
        deps.tickets.overwrite('acme', { ...stored, version: stored.version + 1 });
      };
      const waits: number[] = [];
      const realSetTimeout = globalThis.setTimeout;
      const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
        waits.push(ms ?? 0);
        return realSetTimeout(fn, ms);
      }) as typeof setTimeout);
      const outcome = mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: null }, raisePriority).catch((e: unknown) => e);
      await vi.runAllTimersAsync();
      const error = await outcome;
      spy.mockRestore();
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe('busy');
      const answer = toProblem(error);
      expect(answer.statusCode).toBe(429);
      expect(answer.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json' });
      expect(deps.tickets.updateCalls.length).toBeGreaterThan(50);
      // full jitter under a cap that doubles: the first waits are short, the late ones may be long, none over 500 ms
      expect(Math.max(...waits.slice(0, 3))).toBeLessThan(40);
      expect(Math.max(...waits)).toBeGreaterThan(100);
      expect(Math.max(...waits)).toBeLessThanOrEqual(500);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry a failure that is not a lost race', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket());
    deps.tickets.beforeUpdate = () => {
      throw new Error('throttled');
    };
    await expect(mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: null }, raisePriority)).rejects.toThrow('throttled');
    expect(deps.tickets.updateCalls).toHaveLength(1);
  });

  it('with If-Match at an older version: 412 (version-conflict) and nothing decided or written', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ version: 3 }));
    let decided = false;
    const error = await mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: 2 }, () => {
      decided = true;
      return raisePriority();
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('version-conflict');
    expect((error as DomainError).message).toMatch(/version 3/);
    expect(decided).toBe(false);
    expect(deps.tickets.updateCalls).toHaveLength(0);
    expect((await deps.tickets.get('acme', 'TK1'))!.priority).toBe('normal');
  });

  it('with If-Match that matched when read but lost the race: 412 instead of re-applying', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ version: 1 }));
    deps.tickets.beforeUpdate = () => deps.tickets.overwrite('acme', aTicket({ version: 2, team: 'winner' }));

    const error = await mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: 1 }, raisePriority).catch((e: unknown) => e);

    expect((error as DomainError).kind).toBe('version-conflict');
    expect(deps.tickets.updateCalls).toHaveLength(1);
    expect(await deps.tickets.get('acme', 'TK1')).toMatchObject({ version: 2, team: 'winner', priority: 'normal' });
  });

  it('writes version + 1, updatedAt from the clock, events at that version, and ids from the id generator', async () => {
    const deps = fakeDeps();
    const original = aTicket({ version: 4 });
    deps.tickets.seed('acme', original);
    deps.clock.set('2026-05-06T07:08:09.010Z');

    const result = await mutateTicket(deps, { caller: agent, idOrKey: 'ACME-1', expectedVersion: 4 }, () => ({
      // A decision cannot set version or updatedAt itself.
      patch: { priority: 'urgent', version: 99, updatedAt: '1999-01-01T00:00:00.000Z' },
      events: [
        { type: 'comment-added', actor: { id: agent.sub, role: agent.role }, visibility: 'public' },
        { type: 'fields-changed', actor: { id: agent.sub, role: agent.role }, visibility: 'public', changes: { priority: { from: 'normal', to: 'urgent' } } },
      ],
      comments: [{ body: 'On it.', visibility: 'public', author: { id: agent.sub, role: agent.role, email: agent.email }, channel: 'api', attachments: [] }],
    }));

    const [written] = deps.tickets.updateCalls;
    expect(written!.expectedVersion).toBe(4);
    const at = '2026-05-06T07:08:09.010Z';
    const { statusSince, lastTouchedAt, categoryLog, automation, urgentSince, lastPublicStaffCommentAt, ...rest } = written!.change.ticket;
    const { statusSince: s0, lastTouchedAt: l0, categoryLog: c0, automation: a0, ...before } = original;
    void [l0, a0];
    expect(rest).toEqual({ ...before, priority: 'urgent', version: 5, updatedAt: at });
    // a person's change touches the ticket; the status (and so the category log) did not change
    expect(lastTouchedAt).toBe(at);
    expect(statusSince).toBe(s0);
    expect(categoryLog).toEqual(c0);
    expect(automation).toMatchObject({ reminders: 0 });
    // seed 001's status-update clock: it became urgent now, and the agent's public comment is a status update
    expect(urgentSince).toBe(at);
    expect(lastPublicStaffCommentAt).toBe(at);
    // The decision's events, in order (the change may add more, e.g. notifications), all at the new version and time.
    const { events, comments } = written!.change;
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['comment-added', 'fields-changed']);
    for (const e of events) expect({ version: e.version, at: e.at }, e.type).toEqual({ version: 5, at: '2026-05-06T07:08:09.010Z' });
    expect(comments).toEqual([expect.objectContaining({ body: 'On it.', createdAt: '2026-05-06T07:08:09.010Z' })]);
    // Every id came from the generator, none twice, and the comment event points at its comment.
    const ids = [...comments.map((c) => c.id), ...events.map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...deps.ids.issued].sort()).toEqual([...ids].sort());
    expect(events[0]!.commentId).toBe(comments[0]!.id);
    expect(events[1]!.commentId).toBeUndefined();
    expect(result).toEqual({ ticket: { ...written!.change.ticket, sla: result.ticket.sla }, comments: written!.change.comments });
  });

  it('answers not-found for a ticket the caller may not see, without deciding', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ requester: { id: 'someone-else', email: null, org: null } }));
    const error = await mutateTicket(deps, { caller: caller('customer'), idOrKey: 'TK1', expectedVersion: null }, () => {
      throw new Error('must not decide');
    }).catch((e: unknown) => e);
    expect((error as DomainError).kind).toBe('not-found');
    expect(deps.tickets.updateCalls).toHaveLength(0);
  });
  it('decides the first attempt on a ticket the caller just read, without reading it again', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ version: 1 }));
    const known = (await deps.tickets.get('acme', 'TK1'))!;
    let reads = 0;
    const get = deps.tickets.get.bind(deps.tickets);
    deps.tickets.get = (tenantId, id) => (reads++, get(tenantId, id));

    await mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: null, known }, raisePriority);

    expect(reads).toBe(0);
    expect(await get('acme', 'TK1')).toMatchObject({ version: 2, priority: 'high' });
  });

  it('a known ticket that went stale costs one retry on the stored one, never the other change', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ version: 1 }));
    const known = (await deps.tickets.get('acme', 'TK1'))!;
    // someone else wrote after the caller read it
    deps.tickets.overwrite('acme', { ...known, team: 'winner', version: 2 });
    const seen: number[] = [];

    await mutateTicket(deps, { caller: agent, idOrKey: 'TK1', expectedVersion: null, known }, (t) => (seen.push(t.version), raisePriority()));

    expect(seen).toEqual([1, 2]);
    expect(await deps.tickets.get('acme', 'TK1')).toMatchObject({ version: 3, team: 'winner', priority: 'high' });
  });
});
