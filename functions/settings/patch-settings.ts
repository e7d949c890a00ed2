import { patchSettings } from '../../shared/admin/tenant-admin';
import { httpRoute, validated } from '../../shared/http/handler-kit';
import { SettingsBody, SettingsPatchBody } from '../../shared/http/schemas';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ body: SettingsPatchBody }, async ({ caller, body }) => ({
  body: await patchSettings(deps.settings, caller, body, (merged) => validated(SettingsBody, merged)),
}));
