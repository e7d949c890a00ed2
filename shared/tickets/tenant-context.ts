import { invalid } from '../domain/errors';
import type { SettingsStore } from '../domain/ports';
import { effectiveSettings, type StoredSettings, type TenantSettings } from '../domain/settings';
import { Workflow, type WorkflowDefinition } from '../domain/workflow';
import { PRESET_SETTINGS, WORKFLOW_PRESETS } from '../workflows/presets';

export interface TenantContext {
  readonly tenantId: string;
  readonly settings: TenantSettings;
  readonly workflow: Workflow;
}

export function resolveWorkflow(ref: string | WorkflowDefinition): Workflow {
  if (typeof ref !== 'string') return new Workflow(ref);
  const preset = WORKFLOW_PRESETS[ref];
  if (!preset) {
    const known = Object.keys(WORKFLOW_PRESETS).join(', ');
    throw invalid(`Unknown workflow preset ${ref}.`, [{ path: 'workflow', message: `unknown preset ${ref}; one of ${known}, or a full definition` }]);
  }
  return new Workflow(preset);
}

/** The tenant's effective settings: platform defaults, then its preset's, then its own. */
export function tenantSettings(tenantId: string, stored: StoredSettings | null): TenantSettings {
  const preset = typeof stored?.workflow === 'string' ? PRESET_SETTINGS[stored.workflow] : undefined;
  return effectiveSettings(tenantId, stored, preset);
}

export async function loadTenant(settings: SettingsStore, tenantId: string): Promise<TenantContext> {
  const effective = tenantSettings(tenantId, await settings.get(tenantId));
  return { tenantId, settings: effective, workflow: resolveWorkflow(effective.workflow) };
}
