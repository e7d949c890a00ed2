import { putSettings } from '../../shared/admin/tenant-admin';
import { httpRoute } from '../../shared/http/handler-kit';
import { PutSettingsBody } from '../../shared/http/schemas';
import { deps } from '../../shared/wiring';
import { mailboxes } from '../../shared/wiring/mailboxes';

/** 200 with the settings, or 202 when a workflow switch started moving open tickets. */
export const handler = httpRoute({ body: PutSettingsBody }, async ({ caller, body: { statusMap, ...settings } }) => {
  const written = await putSettings({ ...deps, mailboxes }, caller, settings, { statusMap });
  return { status: written.migrating ? 202 : 200, body: written.settings };
});
