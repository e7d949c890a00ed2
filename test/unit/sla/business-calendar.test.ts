import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { defaultSettings, type Weekday } from '../../../shared/domain/settings';
import { BusinessCalendar, CalendarError, calendarProblems, type CalendarSpec } from '../../../shared/sla/business-calendar';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const weekdays = (...ranges: [string, string][]) => Object.fromEntries(WORKDAYS.map((d) => [d, ranges]));

function calendar(spec: Partial<CalendarSpec> = {}): BusinessCalendar {
  return new BusinessCalendar({
    timezone: 'Europe/Amsterdam',
    coverage: 'business-hours',
    businessHours: weekdays(['08:30', '17:30']),
    holidays: [],
    ...spec,
  });
}

function problemsOf(spec: unknown): { path: string; message: string }[] {
  try {
    new BusinessCalendar(spec as CalendarSpec);
  } catch (e) {
    expect(e).toBeInstanceOf(CalendarError);
    return [...(e as CalendarError).problems];
  }
  throw new Error('expected a CalendarError');
}

describe('BusinessCalendar: ordinary business hours (Europe/Amsterdam, Mon–Fri 08:30–17:30)', () => {
  const cal = calendar();

  it('skips the weekend: Fri 16:30 → Mon 09:30 is 120 working minutes', () => {
    expect(cal.workingMinutesBetween(at('2026-03-06T16:30:00+01:00'), at('2026-03-09T09:30:00+01:00'))).toBe(120);
    expect(iso(cal.addWorkingMinutes(at('2026-03-06T16:30:00+01:00'), 120))).toBe('2026-03-09T08:30:00.000Z');
  });

  it('lands on the closing time itself when the target is reached exactly at 17:30', () => {
    expect(iso(cal.addWorkingMinutes(at('2026-03-06T16:30:00+01:00'), 60))).toBe('2026-03-06T16:30:00.000Z');
    expect(iso(cal.addWorkingMinutes(at('2026-03-06T16:30:00+01:00'), 61))).toBe('2026-03-09T07:31:00.000Z');
  });

  it('counts a whole week as 5 × 540 minutes, and a year of them', () => {
    expect(cal.workingMinutesBetween(at('2026-06-01T00:00:00+02:00'), at('2026-06-08T00:00:00+02:00'))).toBe(2700);
    // 2027 has 261 weekdays; the calendar knows no holidays here.
    expect(cal.workingMinutesBetween(at('2027-01-01T00:00:00+01:00'), at('2028-01-01T00:00:00+01:00'))).toBe(261 * 540);
  });

  it('starts a clock from Saturday night at Monday 08:30', () => {
    const sat = at('2026-03-07T23:00:00+01:00');
    expect(cal.workingMinutesBetween(sat, at('2026-03-09T08:30:00+01:00'))).toBe(0);
    expect(cal.workingMinutesBetween(sat, at('2026-03-09T08:45:00+01:00'))).toBe(15);
    expect(iso(cal.addWorkingMinutes(sat, 1))).toBe('2026-03-09T07:31:00.000Z');
    expect(iso(cal.addWorkingMinutes(sat, 14_400))).toBe(iso(cal.addWorkingMinutes(at('2026-03-09T08:30:00+01:00'), 14_400)));
  });

  it('adds 14 400 minutes (26 days and 360 min of 540) across the DST weekend without drift', () => {
    // Mon 2026-03-02 08:30 + 26 working days = Tue 2026-04-07 08:30 (CEST), + 360 min = 14:30.
    expect(iso(cal.addWorkingMinutes(at('2026-03-02T08:30:00+01:00'), 14_400))).toBe('2026-04-07T12:30:00.000Z');
  });

  it('adding 0 minutes gives `from` itself, even outside working hours', () => {
    const sunday = at('2026-03-08T03:17:45.123+01:00');
    expect(cal.addWorkingMinutes(sunday, 0).getTime()).toBe(sunday.getTime());
    expect(cal.addWorkingMinutes(sunday, 0)).not.toBe(sunday); // a new Date
  });

  it('is 0 for an empty or reversed interval', () => {
    const t = at('2026-03-09T10:00:00+01:00');
    expect(cal.workingMinutesBetween(t, t)).toBe(0);
    expect(cal.workingMinutesBetween(t, at('2026-03-09T09:00:00+01:00'))).toBe(0);
  });

  it('counts working milliseconds and floors to minutes once, at the end', () => {
    const from = at('2026-03-09T08:30:30+01:00');
    expect(cal.workingMinutesBetween(from, at('2026-03-09T08:31:29.999+01:00'))).toBe(0);
    expect(cal.workingMinutesBetween(from, at('2026-03-09T08:31:30+01:00'))).toBe(1);
    // 30 s before Friday's closing + 30 s after Monday's opening = one minute.
    expect(cal.workingMinutesBetween(at('2026-03-06T17:29:30+01:00'), at('2026-03-09T08:30:29.999+01:00'))).toBe(0);
    expect(cal.workingMinutesBetween(at('2026-03-06T17:29:30+01:00'), at('2026-03-09T08:30:30+01:00'))).toBe(1);
    expect(iso(cal.addWorkingMinutes(at('2026-03-06T17:29:30+01:00'), 1))).toBe('2026-03-09T07:30:30.000Z');
    expect(cal.workingMillisBetween(at('2026-03-06T17:29:30+01:00'), at('2026-03-09T08:30:10+01:00'))).toBe(40_000);
  });

  it('refuses a negative or fractional amount and invalid dates', () => {
    const t = at('2026-03-09T10:00:00+01:00');
    expect(() => cal.addWorkingMinutes(t, -1)).toThrow(RangeError);
    expect(() => cal.addWorkingMinutes(t, 1.5)).toThrow(RangeError);
    expect(() => cal.workingMinutesBetween(new Date(Number.NaN), t)).toThrow(RangeError);
  });
});

describe('BusinessCalendar: holidays', () => {
  it('skips a holiday as a whole local day (Kingsday Monday 2026-04-27)', () => {
    const cal = calendar({ holidays: ['2026-04-27'] });
    expect(cal.workingMinutesBetween(at('2026-04-24T17:00:00+02:00'), at('2026-04-28T09:00:00+02:00'))).toBe(60);
    expect(iso(cal.addWorkingMinutes(at('2026-04-24T17:00:00+02:00'), 60))).toBe('2026-04-28T07:00:00.000Z');
  });

  it('skips Christmas on Friday plus the weekend: Thu 24 Dec 17:00 + 60 → Mon 28 Dec 09:00', () => {
    const cal = calendar({ holidays: ['2026-12-25', '2026-12-26'] });
    expect(iso(cal.addWorkingMinutes(at('2026-12-24T17:00:00+01:00'), 60))).toBe('2026-12-28T08:00:00.000Z');
    expect(cal.workingMinutesBetween(at('2026-12-24T12:00:00+01:00'), at('2026-12-28T12:00:00+01:00'))).toBe(330 + 210);
  });

  it('skips a cluster of holidays (Christmas week to New Year) with a long target', () => {
    const holidays = ['2026-12-24', '2026-12-25', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01'];
    const cal = calendar({ holidays });
    // Wed 23 Dec 17:00 + 60 → 30 min left that day, then nothing until Mon 4 Jan 2027 09:00.
    expect(iso(cal.addWorkingMinutes(at('2026-12-23T17:00:00+01:00'), 60))).toBe('2027-01-04T08:00:00.000Z');
    expect(cal.workingMinutesBetween(at('2026-12-23T00:00:00+01:00'), at('2027-01-05T00:00:00+01:00'))).toBe(2 * 540);
  });

  it('is a local date: a holiday in Asia/Kolkata starts at 18:30 UTC the day before', () => {
    const cal = new BusinessCalendar({
      timezone: 'Asia/Kolkata',
      coverage: 'business-hours',
      businessHours: { mon: [['00:00', '24:00']] },
      holidays: ['2026-06-08'],
    });
    expect(cal.workingMinutesBetween(at('2026-06-01T00:00:00Z'), at('2026-06-02T00:00:00Z'))).toBe(24 * 60 - 330);
    expect(cal.workingMinutesBetween(at('2026-06-07T18:30:00Z'), at('2026-06-08T18:30:00Z'))).toBe(0);
  });

  it('24x7 ignores holidays and business hours', () => {
    const cal = calendar({ coverage: '24x7', holidays: ['2026-12-25'] });
    expect(cal.workingMinutesBetween(at('2026-12-25T00:00:00+01:00'), at('2026-12-26T00:00:00+01:00'))).toBe(1440);
    expect(iso(cal.addWorkingMinutes(at('2026-12-24T23:00:00+01:00'), 90))).toBe('2026-12-24T23:30:00.000Z');
  });
});

describe('BusinessCalendar: DST in Europe/Amsterdam (spring 2026-03-29, autumn 2026-10-25)', () => {
  // Spring: 02:00 CET → 03:00 CEST at 01:00Z. Autumn: 03:00 CEST → 02:00 CET at 01:00Z.
  const allSunday = calendar({ businessHours: { sun: [['00:00', '24:00']] } });
  const twentyFourSeven = calendar({ coverage: '24x7' });

  it('24x7: the spring-forward day has 23 hours and the fall-back day 25', () => {
    expect(twentyFourSeven.workingMinutesBetween(at('2026-03-29T00:00:00+01:00'), at('2026-03-30T00:00:00+02:00'))).toBe(23 * 60);
    expect(twentyFourSeven.workingMinutesBetween(at('2026-10-25T00:00:00+02:00'), at('2026-10-26T00:00:00+01:00'))).toBe(25 * 60);
    // Wall 01:30 CET → 03:30 CEST: one real hour.
    expect(iso(twentyFourSeven.addWorkingMinutes(at('2026-03-29T01:30:00+01:00'), 60))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('business hours 00:00–24:00 on Sunday: 23 and 25 working hours', () => {
    expect(allSunday.workingMinutesBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'))).toBe(23 * 60);
    expect(allSunday.workingMinutesBetween(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'))).toBe(25 * 60);
    // From Sunday 00:00 local, 3 real hours later is 04:00 CEST in spring and 02:00 CET (2nd time) in autumn.
    expect(iso(allSunday.addWorkingMinutes(at('2026-03-29T00:00:00+01:00'), 180))).toBe('2026-03-29T02:00:00.000Z');
    expect(iso(allSunday.addWorkingMinutes(at('2026-10-25T00:00:00+02:00'), 180))).toBe('2026-10-25T01:00:00.000Z');
    // The whole Sunday, from Saturday: it ends at the real end of the local day.
    expect(iso(allSunday.addWorkingMinutes(at('2026-10-24T12:00:00Z'), 25 * 60))).toBe('2026-10-25T23:00:00.000Z');
    expect(iso(allSunday.addWorkingMinutes(at('2026-10-24T12:00:00Z'), 25 * 60 + 1))).toBe('2026-10-31T23:01:00.000Z');
  });

  it('a range spanning the changed hour counts real time (01:00–04:00: 2 h in spring, 4 h in autumn)', () => {
    const cal = calendar({ businessHours: { sun: [['01:00', '04:00']] } });
    expect(cal.workingMinutesBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'))).toBe(120);
    expect(cal.workingMinutesBetween(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'))).toBe(240);
  });

  it('a boundary in the skipped hour maps to the change; one in the repeated hour to its first occurrence', () => {
    // 02:30 does not exist on 29 March: the range opens at 03:00 CEST.
    const spring = calendar({ businessHours: { sun: [['02:30', '04:00']] } });
    expect(spring.workingMinutesBetween(at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'))).toBe(60);
    expect(iso(spring.addWorkingMinutes(at('2026-03-28T12:00:00Z'), 1))).toBe('2026-03-29T01:01:00.000Z');
    // 02:30 happens twice on 25 October: the range closes at the first 02:30 (CEST).
    const autumn = calendar({ businessHours: { sun: [['00:00', '02:30']] } });
    expect(autumn.workingMinutesBetween(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'))).toBe(150);
    expect(iso(autumn.addWorkingMinutes(at('2026-10-24T12:00:00Z'), 150))).toBe('2026-10-25T00:30:00.000Z');
    // A range opening at 02:30 opens at the first 02:30 and then runs through the repeated hour.
    const late = calendar({ businessHours: { sun: [['02:30', '03:30']] } });
    expect(late.workingMinutesBetween(at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'))).toBe(120);
  });

  it('a fall-back at local midnight (America/Sao_Paulo, 17 Feb 2019) gives a Saturday range ending at 24:00 an extra hour', () => {
    // 00:00 (-02:00) became 23:00 (-03:00) again on Saturday 16 February: 22:00–24:00 lasted 3 real hours.
    const cal = new BusinessCalendar({ timezone: 'America/Sao_Paulo', coverage: 'business-hours', businessHours: { sat: [['22:00', '24:00']] }, holidays: [] });
    expect(cal.workingMinutesBetween(at('2019-02-16T22:00:00-02:00'), at('2019-02-17T00:00:00-03:00'))).toBe(180);
    // Two weeks from the Sunday before: the week boundary falls exactly on the change.
    expect(cal.workingMinutesBetween(at('2019-02-10T00:00:00-02:00'), at('2019-02-24T00:00:00-03:00'))).toBe(180 + 120);
    expect(iso(cal.addWorkingMinutes(at('2019-02-10T00:00:00-02:00'), 180 + 60))).toBe('2019-02-24T02:00:00.000Z'); // Sat 23 Feb 23:00 (-03:00)
    // And the spring-forward at midnight (4 Nov 2018): Sunday starts at 01:00.
    const sunday = new BusinessCalendar({
      timezone: 'America/Sao_Paulo',
      coverage: 'business-hours',
      businessHours: { sun: [['00:00', '02:00']] },
      holidays: [],
    });
    expect(sunday.workingMinutesBetween(at('2018-11-03T12:00:00-03:00'), at('2018-11-05T00:00:00-02:00'))).toBe(60);
  });

  it('ordinary hours 08:30–17:30 are not affected: Fri 17:00 → Mon 09:00 is 60 minutes either way', () => {
    const cal = calendar();
    expect(cal.workingMinutesBetween(at('2026-03-27T17:00:00+01:00'), at('2026-03-30T09:00:00+02:00'))).toBe(60);
    expect(cal.workingMinutesBetween(at('2026-10-23T17:00:00+02:00'), at('2026-10-26T09:00:00+01:00'))).toBe(60);
    expect(iso(cal.addWorkingMinutes(at('2026-03-27T17:00:00+01:00'), 60))).toBe('2026-03-30T07:00:00.000Z');
    expect(iso(cal.addWorkingMinutes(at('2026-10-23T17:00:00+02:00'), 60))).toBe('2026-10-26T08:00:00.000Z');
  });
});

describe('BusinessCalendar: several ranges a day and other zones', () => {
  it('skips the lunch break (09:00–12:00, 13:00–17:00)', () => {
    const cal = calendar({ businessHours: weekdays(['13:00', '17:00'], ['09:00', '12:00']) });
    expect(iso(cal.addWorkingMinutes(at('2026-06-01T11:30:00+02:00'), 60))).toBe('2026-06-01T11:30:00.000Z');
    expect(cal.workingMinutesBetween(at('2026-06-01T11:00:00+02:00'), at('2026-06-01T14:00:00+02:00'))).toBe(120);
    expect(cal.workingMinutesBetween(at('2026-06-01T00:00:00+02:00'), at('2026-06-02T00:00:00+02:00'))).toBe(420);
    // Adjacent ranges behave as one.
    const adjacent = calendar({ businessHours: weekdays(['09:00', '12:00'], ['12:00', '17:00']) });
    expect(iso(adjacent.addWorkingMinutes(at('2026-06-01T11:30:00+02:00'), 60))).toBe('2026-06-01T10:30:00.000Z');
  });

  it('America/New_York (09:00–17:00) across its own DST weekends', () => {
    const cal = new BusinessCalendar({
      timezone: 'America/New_York',
      coverage: 'business-hours',
      businessHours: weekdays(['09:00', '17:00']),
      holidays: ['2026-07-03'],
    });
    // Spring forward Sun 2026-03-08: Fri 16:00 EST + 120 → Mon 10:00 EDT.
    expect(iso(cal.addWorkingMinutes(at('2026-03-06T16:00:00-05:00'), 120))).toBe('2026-03-09T14:00:00.000Z');
    // Independence Day observed on Friday 3 July.
    expect(cal.workingMinutesBetween(at('2026-07-02T16:00:00-04:00'), at('2026-07-06T10:00:00-04:00'))).toBe(120);
    const allDay = new BusinessCalendar({ timezone: 'America/New_York', coverage: '24x7', businessHours: {}, holidays: [] });
    expect(allDay.workingMinutesBetween(at('2026-11-01T00:00:00-04:00'), at('2026-11-02T00:00:00-05:00'))).toBe(25 * 60);
  });

  it('Asia/Kolkata (+05:30, 09:30–18:00)', () => {
    const cal = new BusinessCalendar({ timezone: 'Asia/Kolkata', coverage: 'business-hours', businessHours: weekdays(['09:30', '18:00']), holidays: [] });
    expect(cal.workingMinutesBetween(at('2026-06-01T03:00:00Z'), at('2026-06-01T05:00:00Z'))).toBe(60); // 08:30–10:30 IST
    expect(iso(cal.addWorkingMinutes(at('2026-06-01T09:30:00+05:30'), 510))).toBe('2026-06-01T12:30:00.000Z');
    expect(iso(cal.addWorkingMinutes(at('2026-06-05T17:00:00+05:30'), 120))).toBe('2026-06-08T05:00:00.000Z');
  });
});

describe('BusinessCalendar: efficiency', () => {
  it('jumps whole weeks: a sparse calendar with a year of holidays and a 14 400-minute target', () => {
    const holidays = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
    const cal = calendar({ businessHours: { wed: [['10:00', '12:00']] }, holidays });
    const started = performance.now();
    // 2027-01-06 is the first Wednesday after the holidays; 120 Wednesdays of 120 minutes.
    const due = cal.addWorkingMinutes(at('2026-01-01T00:00:00Z'), 14_400);
    expect(iso(due)).toBe(iso(at('2029-04-18T12:00:00+02:00')));
    expect(cal.workingMinutesBetween(at('2026-01-01T00:00:00Z'), due)).toBe(14_400);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('BusinessCalendar: from tenant settings', () => {
  it('is built straight from TenantSettings (the defaults: UTC, Mon–Fri 09:00–17:00)', () => {
    const cal = new BusinessCalendar(defaultSettings('acme'));
    expect(cal.timezone).toBe('UTC');
    expect(cal.workingMinutesBetween(at('2026-03-06T16:00:00Z'), at('2026-03-09T10:00:00Z'))).toBe(120);
  });
});

describe('BusinessCalendar: validation → CalendarError (a validation DomainError)', () => {
  const valid: CalendarSpec = { timezone: 'Europe/Amsterdam', coverage: 'business-hours', businessHours: weekdays(['08:30', '17:30']), holidays: [] };

  it('refuses business-hours coverage with no working time at all', () => {
    expect(problemsOf({ ...valid, businessHours: {} })).toEqual([{ path: 'businessHours', message: expect.stringContaining('at least one') }]);
    expect(problemsOf({ ...valid, businessHours: { mon: [], sat: [] } })).toEqual([expect.objectContaining({ path: 'businessHours' })]);
    // …but 24x7 needs none.
    expect(calendarProblems({ ...valid, coverage: '24x7', businessHours: {} })).toEqual([]);
  });

  it('refuses malformed times, with one problem per field', () => {
    const problems = problemsOf({
      ...valid,
      businessHours: { mon: [['8:30', '17:30']], tue: [['08:30', '25:00']], wed: [['12:60', '13:00']], thu: [['24:00', '24:00']], fri: [['08:30', '24:01']] },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'businessHours.mon[0][0]',
      'businessHours.tue[0][1]',
      'businessHours.wed[0][0]',
      'businessHours.thu[0][0]',
      'businessHours.fri[0][1]',
    ]);
    expect(problemsOf({ ...valid, businessHours: { mon: [['08:30']] } })).toEqual([expect.objectContaining({ path: 'businessHours.mon[0]' })]);
  });

  it('accepts 24:00 as an end only', () => {
    expect(calendarProblems({ ...valid, businessHours: { sat: [['18:00', '24:00']] } })).toEqual([]);
  });

  it('refuses a range that does not end after it starts', () => {
    expect(problemsOf({ ...valid, businessHours: { mon: [['17:30', '08:30']], tue: [['09:00', '09:00']] } }).map((p) => p.path)).toEqual([
      'businessHours.mon[0]',
      'businessHours.tue[0]',
    ]);
  });

  it('refuses overlapping ranges on a day, but not touching ones', () => {
    const problems = problemsOf({
      ...valid,
      businessHours: {
        mon: [
          ['13:00', '17:00'],
          ['09:00', '13:30'],
        ],
      },
    });
    expect(problems).toEqual([{ path: 'businessHours.mon[1]', message: '09:00–13:30 overlaps 13:00–17:00 (businessHours.mon[0]).' }]);
    expect(
      calendarProblems({
        ...valid,
        businessHours: {
          mon: [
            ['09:00', '13:00'],
            ['13:00', '17:00'],
          ],
        },
      }),
    ).toEqual([]);
  });

  it('refuses an unknown zone, weekday, coverage and a bad holiday, all at once', () => {
    const problems = problemsOf({
      timezone: 'Mars/Olympus_Mons',
      coverage: '9to5',
      businessHours: { monday: [['08:30', '17:30']], mon: [['08:30', '17:30']] },
      holidays: ['2026-02-30', '25-12-2026', '2026-12-25'],
    });
    expect(problems.map((p) => p.path)).toEqual(['timezone', 'coverage', 'businessHours.monday', 'holidays[0]', 'holidays[1]']);
  });

  it('is a DomainError of kind validation, so the HTTP layer answers 400', () => {
    try {
      calendar({ timezone: 'Nowhere/Land' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).kind).toBe('validation');
      expect((e as DomainError).errors).toEqual([expect.objectContaining({ path: 'timezone' })]);
    }
  });
});
