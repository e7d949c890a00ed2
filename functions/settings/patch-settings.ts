import { patchSettings } from '../../shared/admin/tenant-admin';
import { httpRoute, validated } from '../../shared/http/handler-kit';
import { SettingsBody, SettingsPatchBody, StatusMapField } from '../../shared/http/schemas';
import { deps } from '../../shared/wiring';
import { mailboxes } from '../../shared/wiring/mailboxes';

/** 200 with the settings, or 202 when a workflow switch started moving open tickets. */
export const handler = httpRoute({ body: SettingsPatchBody }, async ({ caller, body: { statusMap, ...patch } }) => {
  // The status map rides beside the patch; it is not part of the stored settings.
  const map = validated(StatusMapField, { statusMap }).statusMap;
  const written = await patchSettings({ ...deps, mailboxes }, caller, patch, (merged) => validated(SettingsBody, merged), map);
  return { status: written.migrating ? 202 : 200, body: written.settings };
});
