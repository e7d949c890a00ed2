import { expect } from 'vitest';
import type { TenantFixture } from './tenant-fixture';

/** A mail as the SES emulator stored it (`GET /store`). */
export interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
}

/** The SES emulator's store: everything the local runtime mailed, oldest first. */
export const readOutbox = async (sesEndpoint: string): Promise<StoredMail[]> =>
  ((await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: StoredMail[] }).emails;

export const headerOf = (m: StoredMail, name: string) => m.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/** Boltrics: a portal ticket in 030-ANALYSIS whose agent asks Microsoft by mail (→ 099-MICROSOFT); the 201 answer. */
export async function askMicrosoftByMail(t: TenantFixture, settled: () => Promise<void>) {
  const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Posting fails in BC', channel: 'portal' })).body;
  await settled();
  for (const to of ['016-READY', '030-ANALYSIS']) expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to })).status).toBe(200);
  const asked = await t.as('agent').post(`/v1/tickets/${tk.id}/third-party`, {
    party: 'Microsoft',
    reference: 'SR-0042',
    email: 'vendor@partner.example',
    to: '099-MICROSOFT',
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  await settled();
  return { tk, asked };
}
