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

/**
 * The settings store as one batch of the table's stream sees it: each tenant's settings are
 * read once for the whole batch (its ticket changes and notification mails), not once per
 * record. A batch is milliseconds long, and its effects are decided "as things are now"
 * anyway; a settings write during it is followed as its own record. Writes pass through.
 */
export function settingsReadOncePerBatch(store: SettingsStore): SettingsStore {
  const reads = new Map<string, Promise<StoredSettings | null>>();
  return {
    get(tenantId) {
      let read = reads.get(tenantId);
      if (!read) {
        read = store.get(tenantId);
        reads.set(tenantId, read);
        // a failed read is not remembered: the next record of the batch tries again
        read.catch(() => reads.delete(tenantId));
      }
      return read;
    },
    read: (tenantId) => store.read(tenantId),
    put: (tenantId, settings, expectedRevision, migration) => store.put(tenantId, settings, expectedRevision, migration),
    stepMigration: (tenantId, migration, expectedRound) => store.stepMigration(tenantId, migration, expectedRound),
  };
}

export async function loadTenant(settings: SettingsStore, tenantId: string): Promise<TenantContext> {
  const effective = tenantSettings(tenantId, await settings.get(tenantId));
  return { tenantId, settings: effective, workflow: resolveWorkflow(effective.workflow) };
}
