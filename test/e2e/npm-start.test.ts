import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/runtime';
import { ROUTES } from '../../shared/http/routes';
import { freePort } from '../setup/free-port';
import { headerOf, readOutbox } from '../support/outbox';
import { eventually } from '../support/tenant-fixture';

/** `npm start` as a newcomer runs it: a real process, real DynamoDB Local, real ports, Ctrl-C. */
interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitFor(started: Started, text: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!started.output().includes(text)) {
    if (started.child.exitCode !== null) throw new Error(`exited ${started.child.exitCode}: ${started.output()}`);
    if (Date.now() > until) throw new Error(`timed out waiting for "${text}": ${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

/** Runs the token line `npm start` printed, the way a user pastes it (minus the shell). */
async function tokenFromPrintedLine(output: string, role: string): Promise<string> {
  const line = output.split('\n').find((l) => l.includes('/_local/token') && l.includes(`"role":"${role}"`));
  expect(line, `a curl line for ${role}`).toBeDefined();
  const url = /curl -s -X POST (\S+)/.exec(line!)![1]!;
  const body = /-d '([^']+)'/.exec(line!)![1]!;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('npm start', () => {
  it('comes up on 127.0.0.1, prints URLs and a curl line per role, stops on Ctrl-C, and keeps the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tf-start-'));
    const apiPort = await freePort();
    const dynamoPort = await freePort();
    const sfnPort = await freePort();
    const schedulerPort = await freePort();
    const env = {
      TICKETFLOW_DATA_DIR: dataDir,
      TICKETFLOW_API_PORT: String(apiPort),
      TICKETFLOW_DYNAMODB_PORT: String(dynamoPort),
      TICKETFLOW_SFN_PORT: String(sfnPort),
      TICKETFLOW_SCHEDULER_PORT: String(schedulerPort),
      TICKETFLOW_SES_PORT: String(await freePort()),
    };

    const first = start(env);
    await waitFor(first, 'Ready.');
    const out = first.output();
    expect(out).toContain(`http://127.0.0.1:${apiPort}`);
    expect(out).toContain('Demo tenant "demo" created.');
    for (const role of ['customer', 'agent', 'lead', 'manager', 'admin']) expect(out).toContain(`"role":"${role}"`);
    // only routes that exist are advertised (finance has none yet)
    const advertised = [...out.matchAll(/curl -s http:\/\/127\.0\.0\.1:\d+(\/v1\/[a-z/]+) /g)].map((m) => m[1]);
    expect(advertised.length).toBeGreaterThan(0);
    for (const path of advertised)
      expect(
        ROUTES.some((r) => r.method === 'GET' && r.path === path),
        path,
      ).toBe(true);

    const health = await fetch(`http://127.0.0.1:${apiPort}/_local/health`);
    expect(health.status).toBe(200);
    const token = await tokenFromPrintedLine(out, 'customer');
    const created = await fetch(`http://127.0.0.1:${apiPort}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'survives a restart' }),
    });
    expect(created.status).toBe(201);
    const ticket = (await created.json()) as { id: string; key: string };
    expect(ticket.key).toBe('DEMO-1');

    // move the local clock ahead and freeze it: both survive the restart (it stands exactly there)
    const moved = await fetch(`http://127.0.0.1:${apiPort}/_local/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'P10D', freeze: true }),
    });
    const movedTo = Date.parse(((await moved.json()) as { now: string }).now);
    expect(movedTo - Date.now()).toBeGreaterThan(10 * 86_400_000 - 60_000);

    first.child.kill('SIGINT');
    expect(await exited(first.child)).toBe(0);
    expect(await listening(apiPort)).toBe(false);
    expect(await listening(dynamoPort)).toBe(false);
    expect(await listening(sfnPort)).toBe(false);
    expect(await listening(schedulerPort)).toBe(false);

    const second = start(env);
    await waitFor(second, 'Ready.');
    expect(second.output()).toContain('Demo tenant "demo" found');
    const clockAfter = (await (await fetch(`http://127.0.0.1:${apiPort}/_local/clock`)).json()) as { now: string; frozen: boolean };
    expect(clockAfter).toEqual({ now: new Date(movedTo).toISOString(), frozen: true });
    const agent = await tokenFromPrintedLine(second.output(), 'agent');
    const again = await fetch(`http://127.0.0.1:${apiPort}/v1/tickets/${ticket.key}`, { headers: { authorization: `Bearer ${agent}` } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(ticket.id);
    // a token issued before the restart is still valid: the signing secret is kept in the data folder
    const old = await fetch(`http://127.0.0.1:${apiPort}/v1/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(old.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  }, 120_000);

  it('mail both ways against the running process: the notification is in the SES store, a reply over SMTP becomes the comment, once', async () => {
    const [apiPort, sesPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
    const started = start({
      TICKETFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-start-mail-')),
      TICKETFLOW_API_PORT: String(apiPort),
      TICKETFLOW_DYNAMODB_PORT: String(await freePort()),
      TICKETFLOW_SFN_PORT: String(await freePort()),
      TICKETFLOW_SCHEDULER_PORT: String(await freePort()),
      TICKETFLOW_SES_PORT: String(sesPort),
      TICKETFLOW_SMTP_PORT: String(smtpPort),
    });
    await waitFor(started, 'Ready.');
    expect(started.output()).toContain(`smtp://127.0.0.1:${smtpPort}`);
    const api = `http://127.0.0.1:${apiPort}`;
    const customer = await tokenFromPrintedLine(started.output(), 'customer');
    const agent = await tokenFromPrintedLine(started.output(), 'agent');
    const created = await fetch(`${api}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'The printer smokes' }),
    });
    expect(created.status).toBe(201);
    const ticket = (await created.json()) as { id: string; key: string; requester: { email: string } };
    // the creation notice, as the SES emulator stored it
    const notice = await eventually(
      async () => (await readOutbox(`http://127.0.0.1:${sesPort}`)).find((m) => m.subject.includes(`[${ticket.key}]`)),
      (m) => m !== undefined,
      30_000,
    );
    expect(notice!.destination.to).toEqual([ticket.requester.email]);
    const reply = {
      from: ticket.requester.email,
      to: notice!.replyTo[0]!,
      subject: `Re: ${notice!.subject}`,
      messageId: '<reply-1@client.example>',
      inReplyTo: headerOf(notice!, 'Message-ID'),
      text: 'It is the HP in room 4.\n\nOn Mon, Support wrote:\n> Your ticket was received.\n',
    };
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const fromMail = async () => {
      const listed = await fetch(`${api}/v1/tickets/${ticket.id}/comments`, { headers: { authorization: `Bearer ${agent}` } });
      return ((await listed.json()) as { items: { body: string; channel: string }[] }).items.filter((c) => c.channel === 'email');
    };
    try {
      // the listener answers 250 once the reply is handled: no waiting needed after it
      await transport.sendMail(reply);
      expect((await fromMail()).map((c) => c.body)).toEqual(['It is the HP in room 4.']);
      await transport.sendMail(reply); // delivered twice, one comment
      expect(await fromMail()).toHaveLength(1);
    } finally {
      transport.close();
    }
    started.child.kill('SIGTERM');
    expect(await exited(started.child)).toBe(0);
  }, 120_000);

  it('says in one line what to install when Java is missing', async () => {
    const started = start({
      PATH: '/nonexistent',
      TICKETFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'tf-nojava-')),
      TICKETFLOW_API_PORT: '0',
      TICKETFLOW_DYNAMODB_PORT: '0',
      TICKETFLOW_SFN_PORT: '0',
      TICKETFLOW_SCHEDULER_PORT: '0',
      TICKETFLOW_SES_PORT: '0',
    });
    expect(await exited(started.child)).toBe(1);
    const lines = started.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Java 17/);
    expect(lines[0]).toMatch(/apt-get install/);
  });
});
