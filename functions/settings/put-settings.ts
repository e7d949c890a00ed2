import { putSettings } from '../../shared/admin/tenant-admin';
import { httpRoute } from '../../shared/http/handler-kit';
import { SettingsBody } from '../../shared/http/schemas';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ body: SettingsBody }, async ({ caller, body }) => ({ body: await putSettings(deps.settings, caller, body) }));
