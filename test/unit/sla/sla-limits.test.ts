import { describe, expect, it } from 'vitest';
import { MAX_SLA_REACH_YEARS, slaReachProblems, weeklyWorkingMinutes } from '../../../shared/sla/sla-limits';

const sla = (normal: number | null, update: number | null = 240) => ({
  response: { urgent: 60, high: 60, normal },
  resolution: { severe: 60, high: 60, medium: 60, low: 60, enhancement: null },
  update: { urgent: update },
});
const nineToFive = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as never;

describe('SLA targets within reach of the calendar', () => {
  it('counts the working minutes of a week (24x7: all of them; several ranges a day)', () => {
    expect(weeklyWorkingMinutes({ coverage: '24x7', businessHours: {} })).toBe(10_080);
    expect(weeklyWorkingMinutes({ coverage: 'business-hours', businessHours: nineToFive })).toBe(5 * 480);
    expect(
      weeklyWorkingMinutes({
        coverage: 'business-hours',
        businessHours: {
          sat: [
            ['08:00', '12:00'],
            ['13:00', '24:00'],
          ],
        } as never,
      }),
    ).toBe(240 + 660);
  });

  it(`accepts what the calendar reaches within ${MAX_SLA_REACH_YEARS} years, refuses beyond it at the target's path`, () => {
    const reach = 5 * 480 * 52 * MAX_SLA_REACH_YEARS;
    const base = { coverage: 'business-hours' as const, businessHours: nineToFive, holidays: [] };
    expect(slaReachProblems({ ...base, sla: sla(reach) })).toEqual([]);
    const problems = slaReachProblems({ ...base, sla: sla(reach + 1) });
    expect(problems.map((p) => p.path)).toEqual(['sla.response.normal']);
    expect(problems[0]!.message).toContain(`at most ${reach} minutes`);
    expect(slaReachProblems({ ...base, sla: sla(null) })).toEqual([]);
  });

  it('checks the status-update target of urgent tickets like the others', () => {
    const reach = 5 * 480 * 52 * MAX_SLA_REACH_YEARS;
    const base = { coverage: 'business-hours' as const, businessHours: nineToFive, holidays: [] };
    expect(slaReachProblems({ ...base, sla: sla(60, reach) })).toEqual([]);
    expect(slaReachProblems({ ...base, sla: sla(60, null) })).toEqual([]);
    const problems = slaReachProblems({ ...base, sla: sla(60, reach + 1) });
    expect(problems.map((p) => p.path)).toEqual(['sla.update.urgent']);
    expect(problems[0]!.message).toContain(`at most ${reach} minutes`);
  });

  it('holidays take reach away: a day each', () => {
    const reach = 5 * 480 * 52 * MAX_SLA_REACH_YEARS;
    const base = { coverage: 'business-hours' as const, businessHours: nineToFive, sla: sla(reach) };
    expect(slaReachProblems({ ...base, holidays: [] })).toEqual([]);
    expect(slaReachProblems({ ...base, holidays: ['2030-01-01'] })).toHaveLength(1);
  });
});
