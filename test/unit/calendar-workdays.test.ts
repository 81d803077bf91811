import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, addWorkingDays, dayOfWeek, isWorkingDay, localDate, workingDaysBetween, type WorkingCalendar } from '../../shared/domain/calendar';
import { demoDirectory } from '../../shared/demo/directory';
import { calendarOf } from '../../shared/services/directory';

/**
 * Make-up working days (调休). The property tests compare the calendar with a brute force written
 * independently of it: a day is worked when it is a listed workday, or a Monday to Friday that is
 * not a holiday, counted one day at a time with the weekday taken from Date itself.
 */
const demo = calendarOf(demoDirectory);
const due = (from: string, days: number, cal: WorkingCalendar = demo) => addWorkingDays(new Date(from), days, cal).toISOString();

const first = Date.UTC(2020, 0, 1);
const last = Date.UTC(2035, 11, 31);
const dayMs = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const allDays = Array.from({ length: (last - first) / dayMs + 1 }, (_, i) => isoOf(first + i * dayMs));

const bruteWorks = (date: string, holidays: Set<string>, workdays: Set<string>) => {
  if (holidays.has(date)) return false;
  if (workdays.has(date)) return true;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

/** A random calendar over 2020–2035: holidays on any day, workdays on weekends only, never both. */
const calendarArb = fc
  .record({
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: allDays.length - 1 }), { maxLength: 400 }),
    workdays: fc.uniqueArray(fc.integer({ min: 0, max: allDays.length - 1 }), { maxLength: 200 }),
  })
  .map(({ holidays, workdays }) => {
    const h = holidays.map((i) => allDays[i]);
    const hs = new Set(h);
    const w = workdays.map((i) => allDays[i]).filter((d) => !hs.has(d) && (dayOfWeek(d) === 0 || dayOfWeek(d) === 6));
    return { timezone: 'Asia/Shanghai', holidays: h, workdays: w };
  });
const dayArb = fc.integer({ min: 0, max: allDays.length - 200 }).map((i) => allDays[i]);

describe('make-up working days: property tests against a day-by-day count, 2020–2035', () => {
  it('isWorkingDay agrees with the brute force on every listed and random day', () => {
    fc.assert(
      fc.property(calendarArb, fc.array(dayArb, { minLength: 1, maxLength: 50 }), (cal, days) => {
        const hs = new Set(cal.holidays);
        const ws = new Set(cal.workdays);
        for (const d of [...days, ...cal.holidays, ...cal.workdays]) expect(isWorkingDay(d, cal)).toBe(bruteWorks(d, hs, ws));
      }),
      { numRuns: 100 },
    );
  });

  it('addWorkingDays lands on the n-th worked day after the local day, found one day at a time', () => {
    fc.assert(
      fc.property(calendarArb, dayArb, fc.integer({ min: 0, max: 8 * 3600 * 1000 * 3 - 1 }), fc.integer({ min: 0, max: 60 }), (cal, day, offsetMs, n) => {
        // An instant somewhere in that Shanghai day (00:00 local = 16:00Z the day before).
        const from = new Date(Date.parse(`${day}T00:00:00+08:00`) + offsetMs);
        const hs = new Set(cal.holidays);
        const ws = new Set(cal.workdays);
        let date = day;
        for (let counted = 0; counted < n; ) {
          date = isoOf(Date.parse(`${date}T00:00:00Z`) + dayMs);
          if (bruteWorks(date, hs, ws)) counted++;
        }
        const dueAt = addWorkingDays(from, n, cal);
        expect(dueAt.toISOString()).toBe(new Date(Date.parse(`${date}T23:59:59.999+08:00`)).toISOString());
        expect(workingDaysBetween(day, localDate(dueAt, cal.timezone), cal)).toBe(n);
      }),
      { numRuns: 200 },
    );
  });

  it('workingDaysBetween counts (from, to] as the brute force does, in both directions', () => {
    fc.assert(
      fc.property(calendarArb, dayArb, fc.integer({ min: 0, max: 400 }), (cal, from, span) => {
        const to = addCalendarDays(from, span);
        const hs = new Set(cal.holidays);
        const ws = new Set(cal.workdays);
        let n = 0;
        for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) if (bruteWorks(d, hs, ws)) n++;
        expect(workingDaysBetween(from, to, cal)).toBe(n);
        expect(workingDaysBetween(to, from, cal) === -n).toBe(true); // (0 and -0 alike)
      }),
      { numRuns: 200 },
    );
  });
});

describe('due dates across the 2026 Spring Festival (the demo directory: the State Council notice)', () => {
  it('knows the make-up Saturdays 14 and 28 February and the nine-day break', () => {
    expect(isWorkingDay('2026-02-14', demo)).toBe(true); // Saturday, worked
    expect(isWorkingDay('2026-02-28', demo)).toBe(true); // Saturday, worked
    expect(isWorkingDay('2026-02-21', demo)).toBe(false); // Saturday in the break
    for (let d = '2026-02-15'; d <= '2026-02-23'; d = addCalendarDays(d, 1)) expect(isWorkingDay(d, demo)).toBe(false);
    expect(isWorkingDay('2026-03-07', demo)).toBe(false); // an ordinary Saturday
  });

  it('an item on Friday 13 February, 5 working days: Sat 14, Tue 24, Wed 25, Thu 26, Fri 27', () => {
    // 10:00 Beijing time on Friday 13 February 2026.
    expect(due('2026-02-13T02:00:00Z', 1)).toBe('2026-02-14T15:59:59.999Z'); // the make-up Saturday
    expect(due('2026-02-13T02:00:00Z', 2)).toBe('2026-02-24T15:59:59.999Z');
    expect(due('2026-02-13T02:00:00Z', 5)).toBe('2026-02-27T15:59:59.999Z');
    // Without make-up days the same item would be due a working day later (Monday 2 March).
    expect(due('2026-02-13T02:00:00Z', 5, { ...demo, workdays: [] })).toBe('2026-03-02T15:59:59.999Z');
  });

  it('an item in the break counts from the first working day after it, and the next make-up Saturday counts', () => {
    // Thursday 19 February (初三): Tue 24, Wed 25, Thu 26, Fri 27, Sat 28 (worked).
    expect(due('2026-02-19T04:00:00Z', 5)).toBe('2026-02-28T15:59:59.999Z');
    expect(due('2026-02-19T04:00:00Z', 6)).toBe('2026-03-02T15:59:59.999Z');
    // An item on the make-up Saturday itself: its day does not count, as for any day.
    expect(due('2026-02-14T03:00:00Z', 1)).toBe('2026-02-24T15:59:59.999Z');
  });

  it('15 working days from Wednesday 11 February cross both make-up Saturdays', () => {
    // Thu 12, Fri 13, Sat 14, Tue 24 … Fri 27 (4), Sat 28, Mon 2 … Fri 6 March (5), Mon 9, Tue 10.
    expect(due('2026-02-11T02:00:00Z', 15)).toBe('2026-03-10T15:59:59.999Z');
    expect(workingDaysBetween('2026-02-11', '2026-03-10', demo)).toBe(15);
  });

  it('the other 2026 make-up days: Sun 4 January, Sat 9 May, Sun 20 September, Sat 10 October', () => {
    for (const d of ['2026-01-04', '2026-05-09', '2026-09-20', '2026-10-10']) expect(isWorkingDay(d, demo)).toBe(true);
    // Wednesday 30 September, 3 working days: the National Day break, then Thu 8, Fri 9, Sat 10.
    expect(due('2026-09-30T02:00:00Z', 3)).toBe('2026-10-10T15:59:59.999Z');
  });
});
