import type { Locale } from './identity';
import type { WorkflowDefinition } from './workflow';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type Priority = 'normal' | 'high' | 'urgent';
export type Severity = 'enhancement' | 'low' | 'medium' | 'high' | 'severe';

export interface TenantSettings {
  readonly name: string;
  /** Ticket key prefix: `ACME` in `ACME-42`. An extension of the contract; defaults from the tenant id. */
  readonly keyPrefix: string;
  readonly workflow: string | WorkflowDefinition;
  readonly timezone: string;
  readonly locale: Locale;
  readonly coverage: 'business-hours' | '24x7';
  readonly businessHours: Partial<Record<Weekday, [string, string][]>>;
  readonly holidays: string[];
  readonly supportAddress: string | null;
  readonly contacts: { teamLead: string | null; offeringManager: string | null; escalationManager: string | null };
  readonly orgVisibility: boolean;
  readonly sla: {
    response: Record<Priority, number | null>;
    resolution: Record<Severity, number | null>;
    /** Seed 001: working minutes an urgent ticket may go without a public staff comment. */
    update: { urgent: number | null };
  };
  readonly feedbackDays: number;
  readonly monitoringDays: number;
}

/** What a tenant stored: any subset, deep-merged over the defaults on read. */
export type StoredSettings = Partial<Omit<TenantSettings, 'contacts' | 'sla'>> & {
  contacts?: Partial<TenantSettings['contacts']>;
  sla?: {
    response?: Partial<Record<Priority, number | null>>;
    resolution?: Partial<Record<Severity, number | null>>;
    update?: Partial<TenantSettings['sla']['update']>;
  };
};

const weekdays = (from: string, to: string): TenantSettings['businessHours'] =>
  Object.fromEntries((['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((d) => [d, [[from, to]]]));

/** A key prefix always starts with a letter, so `ACME-42` can never be mistaken for an id (tenant `9lives` → `T9LIVES`). */
export function keyPrefixFor(tenantId: string): string {
  const letters = tenantId.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return (/^[A-Z]/.test(letters) ? letters : `T${letters}`).slice(0, 10);
}

export function defaultSettings(tenantId: string): TenantSettings {
  return {
    name: tenantId,
    keyPrefix: keyPrefixFor(tenantId),
    workflow: 'default',
    timezone: 'UTC',
    locale: 'en',
    coverage: 'business-hours',
    businessHours: weekdays('09:00', '17:00'),
    holidays: [],
    supportAddress: null,
    contacts: { teamLead: null, offeringManager: null, escalationManager: null },
    orgVisibility: false,
    sla: {
      response: { urgent: 60, high: 120, normal: 480 },
      resolution: { severe: 1440, high: 4320, medium: 5760, low: 14400, enhancement: null },
      // seed 001: a status update on an urgent ticket at least every 4 working hours
      update: { urgent: 240 },
    },
    feedbackDays: 10,
    monitoringDays: 7,
  };
}

/**
 * Omitted fields keep the defaults: the platform's, then the chosen preset's
 * (`presetDefaults`), then what the tenant stored. Nested `contacts` and `sla`
 * merge field by field.
 */
export function effectiveSettings(tenantId: string, stored: StoredSettings | null, presetDefaults: StoredSettings = {}): TenantSettings {
  return [presetDefaults, stored ?? {}].reduce<TenantSettings>(
    (base, layer) =>
      ({
        ...base,
        ...layer,
        contacts: { ...base.contacts, ...layer.contacts },
        sla: {
          response: { ...base.sla.response, ...layer.sla?.response },
          resolution: { ...base.sla.resolution, ...layer.sla?.resolution },
          update: { ...base.sla.update, ...layer.sla?.update },
        },
      }) as TenantSettings,
    defaultSettings(tenantId),
  );
}
