import type { StoredSettings } from '../domain/settings';
import type { WorkflowDefinition } from '../domain/workflow';
import { ASSU } from './assu';
import { BOLTRICS } from './boltrics';
import { DEFAULT_WORKFLOW } from './default';
import { JIRA_PARTNER } from './jira-partner';
import { PROVIDER } from './provider';

/** Built-in workflow presets by id; tenants pick one or store their own definition. */
export const WORKFLOW_PRESETS: Readonly<Record<string, WorkflowDefinition>> = {
  default: DEFAULT_WORKFLOW,
  boltrics: BOLTRICS,
  'jira-partner': JIRA_PARTNER,
  assu: ASSU,
  provider: PROVIDER,
};

/** Settings a preset brings along; a tenant's own values win. */
export const PRESET_SETTINGS: Readonly<Record<string, StoredSettings>> = {
  // seed 002: severe 1 day, high 3 days, medium 4 days, low 10 days, enhancement at discretion
  provider: { sla: { resolution: { severe: 1440, high: 4320, medium: 5760, low: 14400, enhancement: null } } },
  // seed 000: 30-day reopen window, feedback period
  boltrics: { feedbackDays: 10 },
};
