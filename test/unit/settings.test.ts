import { describe, expect, it } from 'vitest';
import { defaultSettings, effectiveSettings, keyPrefixFor } from '../../shared/domain/settings';

describe('effectiveSettings', () => {
  it('is the defaults when nothing is stored', () => {
    expect(effectiveSettings('acme', null)).toEqual(defaultSettings('acme'));
    expect(effectiveSettings('acme', {})).toEqual(defaultSettings('acme'));
  });

  it('keeps the default of every omitted top-level field', () => {
    const s = effectiveSettings('acme', { name: 'Acme Support', orgVisibility: true, feedbackDays: 3 });
    expect(s).toEqual({ ...defaultSettings('acme'), name: 'Acme Support', orgVisibility: true, feedbackDays: 3 });
  });

  it('merges contacts field by field', () => {
    const s = effectiveSettings('acme', { contacts: { offeringManager: 'offer@acme.example' } });
    expect(s.contacts).toEqual({ teamLead: null, offeringManager: 'offer@acme.example', escalationManager: null });
  });

  it('merges each SLA table field by field, including an explicit null (no target)', () => {
    const base = defaultSettings('acme').sla;
    const s = effectiveSettings('acme', { sla: { response: { urgent: 30 }, resolution: { low: null } } });
    expect(s.sla.response).toEqual({ ...base.response, urgent: 30 });
    expect(s.sla.resolution).toEqual({ ...base.resolution, low: null });
  });

  it('keeps the whole default response table when only resolution targets are stored, and vice versa', () => {
    const base = defaultSettings('acme').sla;
    expect(effectiveSettings('acme', { sla: { resolution: { enhancement: 20_000 } } }).sla).toEqual({
      response: base.response,
      resolution: { ...base.resolution, enhancement: 20_000 },
      update: base.update,
    });
    expect(effectiveSettings('acme', { sla: { response: { normal: 240 } } }).sla).toEqual({
      response: { ...base.response, normal: 240 },
      resolution: base.resolution,
      update: base.update,
    });
    // seed 001's status-update target of urgent tickets: 4 working hours unless stored
    expect(base.update).toEqual({ urgent: 240 });
    expect(effectiveSettings('acme', { sla: { update: { urgent: 120 } } }).sla).toEqual({ ...base, update: { urgent: 120 } });
  });

  it('does not change the defaults of other tenants or calls (no shared mutable state)', () => {
    effectiveSettings('acme', { contacts: { teamLead: 'lead@acme.example' }, sla: { response: { urgent: 1 } } });
    expect(defaultSettings('acme').contacts.teamLead).toBeNull();
    expect(defaultSettings('acme').sla.response.urgent).toBe(60);
  });

  it('derives the key prefix and name from the tenant id unless stored', () => {
    expect(effectiveSettings('globex', null)).toMatchObject({ keyPrefix: 'GLOBEX', name: 'globex' });
    expect(effectiveSettings('globex', { keyPrefix: 'GX' }).keyPrefix).toBe('GX');
  });
});

describe('keyPrefixFor', () => {
  it('upper-cases the tenant id and drops everything but letters and digits', () => {
    expect(keyPrefixFor('acme')).toBe('ACME');
    expect(keyPrefixFor('acme-corp-2')).toBe('ACMECORP2');
  });

  it('keeps at most 10 characters', () => {
    expect(keyPrefixFor('northwind-traders-europe')).toBe('NORTHWINDT');
  });

  it('falls back to T when nothing usable is left', () => {
    expect(keyPrefixFor('---')).toBe('T');
    expect(keyPrefixFor('')).toBe('T');
  });
});

describe('key prefixes of tenants whose id starts with a digit', () => {
  it('start with a letter, so the key is recognised as a key and not as an id', async () => {
    const { keyPrefixFor } = await import('../../shared/domain/settings');
    expect(keyPrefixFor('9lives')).toBe('T9LIVES');
    expect(`${keyPrefixFor('9lives')}-1`).toMatch(/^[A-Z][A-Z0-9]*-\d+$/);
  });
});
