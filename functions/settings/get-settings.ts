import { getSettings } from '../../shared/admin/tenant-admin';
import { httpRoute } from '../../shared/http/handler-kit';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({}, async ({ caller }) => ({ body: await getSettings(deps.settings, caller) }));
