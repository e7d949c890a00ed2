import nodemailer from 'nodemailer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../console/build';
import { PROJECT_ROOT } from '../../local/runtime';
import { useLocalRuntime } from '../support/api-client';

/**
 * The local console (CONTRACT section 10) in a real browser (Debian Chromium, headless),
 * against the real local runtime: what support staff do with it, with no error in the
 * browser console and nothing fetched from any host but 127.0.0.1.
 */
const local = useLocalRuntime();
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'console');
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
let browser: Browser;
const problems: string[] = [];
const metrics: Record<string, number> = {};

beforeAll(async () => {
  await buildConsole({ ifStale: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  writeFileSync(join(ARTIFACTS, 'metrics.json'), JSON.stringify(metrics, null, 2));
});

/** A fresh browser profile acting as `who`, collecting every console error, page error and foreign request. */
async function open(who: string, hash: string, viewport = LAPTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  page.on('request', (r) => void (!r.url().startsWith(local.runtime.apiUrl) && problems.push(`foreign request: ${r.url()}`)));
  page.on('response', (r) => void (r.status() >= 400 && problems.push(`${r.status()} ${r.request().method()} ${r.url()}`)));
  await page.goto(`${local.runtime.apiUrl}/console/?as=${who}#${hash}`);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Every control has a name a screen reader can say. */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('button, select, input, textarea, a[href]')]
    .filter((el) => !(el.getAttribute('aria-label') || (el.labels && el.labels.length) || (el.textContent || '').trim()))
    .map((el) => el.outerHTML.slice(0, 80))`);
}

async function newTicket(subject: string, priority = 'normal'): Promise<{ id: string; key: string }> {
  const alice = local.api.as(await local.api.token({ tid: 'demo', sub: 'alice', role: 'customer', org: 'acme', email: 'alice@acme.example' }));
  const created = await alice.post('/v1/tickets', { subject, description: 'From the console test', priority });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await local.runtime.settled();
  return created.body;
}

const staff = async (role: 'agent' | 'lead') => local.api.as(await local.api.token({ tid: 'demo', sub: role, role, email: `${role}@demo.example` }));

describe('local console', () => {
  it('an agent filters the list, moves a ticket with a button, adds an internal comment and sees the timeline follow', async () => {
    const ticket = await newTicket('Printer on fire');
    const started = Date.now();
    const page = await open('agent', '/tickets');
    const row = page.getByRole('row').filter({ hasText: ticket.key });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    metrics.firstRenderMs = Date.now() - started;
    metrics.appReadyMs = Number(await page.locator('html').getAttribute('data-ready'));
    metrics.firstContentfulPaintMs = await page.evaluate(`Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1)`);
    await row.locator('.sla[data-metric="response"][data-state="running"]').waitFor();
    expect(await row.locator('.sla[data-metric="response"]').textContent()).toMatch(/response running · due in /);
    await shot(page, 'tickets');

    // filters: a category with no such ticket empties the list, clearing brings it back
    await page.getByLabel('Category').selectOption('resolved');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No tickets match.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await row.waitFor();

    await row.getByRole('link', { name: ticket.key }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(ticket.key) }).waitFor();
    await page.getByTestId('ticket-status').filter({ hasText: 'New' }).waitFor();
    // boltrics: 012-NEW → 016-READY is open to agents; its label comes from GET /v1/workflow (keyboard only)
    const ready = page.getByRole('button', { name: 'Ready for assignment' });
    await ready.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('ticket-status').filter({ hasText: 'Ready for assignment' }).waitFor();
    const timeline = page.locator('#timeline');
    await timeline.getByText('Status changed by agent (agent)').waitFor();
    await timeline.getByText('status: New → Ready for assignment').waitFor();
    // 020-ASSIGNED needs an assignee: its button says so until the agent takes the ticket
    const assigned = page.getByRole('button', { name: /^Assigned to resource/ });
    expect(await assigned.textContent()).toContain('needs assignee');
    expect(await assigned.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('button', { name: 'Assigned to resource', exact: true }).click();
    await page.getByTestId('ticket-status').filter({ hasText: 'Assigned to resource' }).waitFor();

    await page.getByRole('textbox', { name: 'Comment' }).fill('Checked the toner: internal note');
    await page.getByRole('combobox', { name: 'Visibility' }).selectOption('internal');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page.locator('.comment.internal').filter({ hasText: 'Checked the toner: internal note' }).waitFor();
    await timeline.locator('.entry.internal').filter({ hasText: 'Comment added by agent' }).waitFor();
    // the lifecycle execution and the schedules are in the same timeline
    await timeline.locator('[data-source="execution"]').filter({ hasText: 'Execution entered InProgress' }).waitFor();
    await timeline.locator('[data-source="schedule"]').filter({ hasText: 'Schedule sla-response-breach' }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    await shot(page, 'ticket');
    // labels follow the user's locale
    await page.getByLabel('Language').selectOption('nl');
    await page.getByTestId('ticket-status').filter({ hasText: 'Toegewezen aan consultant' }).waitFor();
    await page.getByRole('button', { name: 'Probleemanalyse' }).waitFor();

    // the customer never sees the internal comment
    const alice = await open('alice', `/tickets/${ticket.id}`);
    await alice.getByRole('heading', { level: 1, name: new RegExp(ticket.key) }).waitFor();
    await alice.getByText('No comments yet.').waitFor();
    expect(await alice.getByText('Checked the toner').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('advancing the clock fires what became due: the SLA badge turns breached and the timeline shows it', async () => {
    const ticket = await newTicket('Slow invoices');
    const page = await open('agent', `/tickets/${ticket.id}`);
    const badge = page.locator('.card .sla[data-metric="response"]');
    await badge.and(page.locator('[data-state="running"]')).waitFor();
    await page.getByRole('button', { name: 'Advance clock +7 days' }).click();
    await page.getByRole('status').filter({ hasText: 'Clock moved +7 days' }).waitFor();
    await badge.and(page.locator('[data-state="breached"]')).waitFor();
    const timeline = page.locator('#timeline');
    await timeline.locator('[data-source="history"]').filter({ hasText: 'SLA breached by system' }).first().waitFor();
    await timeline.locator('[data-source="history"]').filter({ hasText: 'SLA warning by system' }).first().waitFor();
    await shot(page, 'ticket-after-clock');
    expect(problems).toEqual([]);
  });

  it('a lead finds an execution stopped behind the system’s back marked stuck and repairs it from the console', async () => {
    const ticket = await newTicket('Posting fails');
    const lead = await staff('lead');
    const before = (await lead.get(`/v1/tickets/${ticket.id}/workflow`)).body;
    expect(before.status).toBe('RUNNING');
    // locally the console link points into this console
    expect(before.consoleUrl).toBe(`${local.runtime.apiUrl}/console/#/executions/${before.executionArn}`);
    const sfn = new SFNClient({ endpoint: local.runtime.sfnEndpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await sfn.send(new StopExecutionCommand({ executionArn: before.executionArn, cause: 'operator error' }));

    // an agent sees it stuck but may not repair
    const agent = await open('agent', '/executions');
    const agentRow = agent.getByRole('row').filter({ hasText: ticket.key });
    await agentRow.getByText('Stuck: aborted').waitFor();
    expect(await agentRow.getByRole('button', { name: `Repair ${ticket.key}` }).count()).toBe(0);

    const page = await open('lead', '/executions');
    const row = page.getByRole('row').filter({ hasText: ticket.key });
    await row.getByText('Stuck: aborted').waitFor();
    await shot(page, 'executions-stuck');
    await row.getByRole('button', { name: `Repair ${ticket.key}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${ticket.key}: repair restarted` })
      .waitFor();
    await row.getByText('in line').waitFor();
    await local.runtime.settled();
    const after = (await lead.get(`/v1/tickets/${ticket.id}/workflow`)).body;
    expect(after).toMatchObject({ status: 'RUNNING', generation: 2, previousExecutions: [before.executionArn] });

    // the consoleUrl opens the execution's own page: its states, in line again
    await page.goto(after.consoleUrl);
    await page.getByRole('heading', { level: 1, name: `${before.executionArn.split(':').at(-1)}--g2` }).waitFor();
    await page.getByText('in line').waitFor();
    await page.getByRole('row').filter({ hasText: 'New' }).first().waitFor();
    await shot(page, 'execution');
    expect(problems).toEqual([]);
  });

  it('finance sees usage (or the console says it is not there yet); staff see the outbox or that there is none', async () => {
    const page = await open('finance', '/usage');
    await page.getByRole('heading', { level: 1, name: 'Usage' }).waitFor();
    const features = (await (await fetch(`${local.runtime.apiUrl}/_local/console`)).json()) as { usage: boolean; outbox: boolean };
    if (features.usage) await page.getByRole('region', { name: 'Usage counters' }).getByRole('row').filter({ hasText: 'demo' }).waitFor();
    else await page.getByTestId('usage-missing').waitFor();
    await shot(page, 'usage');

    const agent = await open('agent', '/outbox');
    await agent.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    // inbound mail outcomes (GET /_local/inbox) under it, as "received"
    await agent.getByRole('heading', { level: 2, name: 'Received' }).waitFor();
    if (features.outbox) {
      // what the tenant mailed, and in the ticket's timeline the mail sent about it
      const mail = agent
        .getByRole('region', { name: 'Outbox' })
        .getByRole('row')
        .filter({ hasText: /\[DEMO-\d+\]/ });
      await mail.first().waitFor();
      const key = /\[(DEMO-\d+)\]/.exec((await mail.first().textContent()) ?? '')![1]!;
      const ticket = (await (await staff('agent')).get(`/v1/tickets/${key}`)).body;
      // and the requester's answer by mail, received over SMTP, beside it
      await nodemailer
        .createTransport({ host: '127.0.0.1', port: local.runtime.smtpPort, secure: false, ignoreTLS: true })
        .sendMail({ from: ticket.requester.email, to: 'support@demo.example', subject: `Re: [${key}] thanks`, text: 'Thank you, that helps.' });
      await local.runtime.settled();
      const ticketPage = await open('agent', `/tickets/${ticket.id}`);
      await ticketPage
        .locator('#timeline [data-source="mail"]')
        .filter({ hasText: `[${key}]` })
        .first()
        .waitFor();
      await ticketPage.locator('#timeline [data-source="mail"]').filter({ hasText: 'Mail received: accepted' }).waitFor();
    } else await agent.getByTestId('no-outbox').waitFor();
    await shot(agent, 'outbox');
    expect(problems).toEqual([]);
  });

  it('its local endpoints are tenant-scoped and staff-only, and answer problem+json', async () => {
    const ticket = await newTicket('Isolation');
    const agent = await staff('agent');
    const arn: string = (await agent.get(`/v1/tickets/${ticket.id}/workflow`)).body.executionArn;
    const mine = (await agent.get('/_local/executions')).body.items;
    expect(mine.some((x: { ticketId: string }) => x.ticketId === ticket.id)).toBe(true);
    expect((await agent.get(`/_local/execution?arn=${encodeURIComponent(arn)}`)).body).toMatchObject({ ticketId: ticket.id, status: 'RUNNING' });
    expect((await agent.get(`/_local/schedules?ticket=${ticket.id}`)).body.items.length).toBeGreaterThan(0);

    const other = local.api.as(await local.api.token({ tid: 'other', sub: 'agent', role: 'agent', email: 'agent@other.example' }));
    expect((await other.get('/_local/executions')).body.items).toEqual([]);
    expect((await other.get(`/_local/execution?arn=${encodeURIComponent(arn)}`)).status).toBe(404);
    expect((await other.get(`/_local/schedules?ticket=${ticket.id}`)).status).toBe(404);

    const alice = local.api.as(await local.api.token({ tid: 'demo', sub: 'alice', role: 'customer', org: 'acme', email: 'alice@acme.example' }));
    expect((await alice.get('/_local/executions')).status).toBe(403);
    const anonymous = await local.api.request('GET', '/_local/executions');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    const invalid = await agent.get('/_local/execution?arn=nonsense');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ path: 'arn', message: 'an execution ARN' }]);
  });

  it('is readable on a phone: nothing wider than the screen, controls still named', async () => {
    const page = await open('agent', '/tickets', PHONE);
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.getByRole('row').nth(1).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(await unnamedControls(page)).toEqual([]);
    await shot(page, 'tickets-phone');
    expect(problems).toEqual([]);
  });
});
