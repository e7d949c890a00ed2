import type { WorkflowDefinition } from '../domain/workflow';
import { DEFAULT_WORKFLOW } from './default';

/** Built-in workflow presets by id; tenants pick one or store their own definition. */
export const WORKFLOW_PRESETS: Readonly<Record<string, WorkflowDefinition>> = {
  default: DEFAULT_WORKFLOW,
};
