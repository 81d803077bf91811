import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  dayOfWeek,
  endOfLocalDay,
  isIsoDate,
  isValidTimeZone,
  isWorkingDay,
  localDate,
  startOfLocalDay,
  workingDaysBetween,
} from '../../shared/domain/calendar';
import { prng } from '../support/prng';

const shanghai = { timezone: 'Asia/Shanghai', holidays: [] as string[] };
const at = (iso: string) => new Date(iso);
const due = (from: string, days: number, cal = shanghai) => addWorkingDays(at(from), days, cal).toISOString();

describe('dates', () => {
  it('recognises real calendar dates only', () => {
    expect(isIsoDate('2026-11-27')).toBe(true);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2027-02-30')).toBe(false);
    expect(isIsoDate('2027-13-01')).toBe(false);
    expect(isIsoDate('2027-00-10')).toBe(false);
    expect(isIsoDate('2027-1-01')).toBe(false);
    expect(isIsoDate('2027-01-01T00:00:00Z')).toBe(false);
    expect(isIsoDate(20270101)).toBe(false);
  });

  it('knows time zones', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('adds calendar days across months and years, and knows weekdays', () => {
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(dayOfWeek('2026-11-27')).toBe(5); // Friday
    expect(dayOfWeek('2026-11-29')).toBe(0); // Sunday
  });

  it('reads the local date in the zone, not in UTC', () => {
    expect(localDate(at('2026-11-27T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-11-27');
    expect(localDate(at('2026-11-27T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-11-28');
    expect(localDate(at('2026-11-27T16:00:00.000Z'), 'UTC')).toBe('2026-11-27');
    expect(localDate(at('2026-11-27T04:00:00.000Z'), 'America/Los_Angeles')).toBe('2026-11-26');
  });

  it('finds local midnights, also on DST days', () => {
    expect(startOfLocalDay('2026-11-28', 'Asia/Shanghai').toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(endOfLocalDay('2026-11-27', 'Asia/Shanghai').toISOString()).toBe('2026-11-27T15:59:59.999Z');
    // Berlin: the 23-hour day (CET -> CEST) and the 25-hour day (CEST -> CET) of 2027.
    expect(startOfLocalDay('2027-03-28', 'Europe/Berlin').toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(endOfLocalDay('2027-03-28', 'Europe/Berlin').toISOString()).toBe('2027-03-28T21:59:59.999Z');
    expect(startOfLocalDay('2027-10-31', 'Europe/Berlin').toISOString()).toBe('2027-10-30T22:00:00.000Z');
    expect(endOfLocalDay('2027-10-31', 'Europe/Berlin').toISOString()).toBe('2027-10-31T22:59:59.999Z');
    // Santiago skips local midnight when DST starts (00:00 -> 01:00): the day begins at 01:00 -03.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});

describe('isWorkingDay', () => {
  const cal = { holidays: ['2027-10-01', '2027-10-04'] };
  it('skips weekends and holidays', () => {
    expect(isWorkingDay('2027-09-30', cal)).toBe(true); // Thursday
    expect(isWorkingDay('2027-10-01', cal)).toBe(false); // Friday, holiday
    expect(isWorkingDay('2027-10-02', cal)).toBe(false); // Saturday
    expect(isWorkingDay('2027-10-03', cal)).toBe(false); // Sunday
    expect(isWorkingDay('2027-10-04', cal)).toBe(false); // Monday, holiday
    expect(isWorkingDay('2027-10-05', cal)).toBe(true);
  });
});

describe('addWorkingDays', () => {
  it('0 days: the end of the local day of submission', () => {
    expect(due('2026-11-25T02:00:00Z', 0)).toBe('2026-11-25T15:59:59.999Z');
  });

  it('1 day from a Wednesday: end of Thursday (Shanghai 23:59:59.999 = 15:59:59.999Z)', () => {
    expect(due('2026-11-25T02:00:00Z', 1)).toBe('2026-11-26T15:59:59.999Z');
  });

  it('N days across a weekend', () => {
    // Wed 25 Nov + 5 working days: Thu 26, Fri 27, Mon 30, Tue 1, Wed 2 Dec.
    expect(due('2026-11-25T02:00:00Z', 5)).toBe('2026-12-02T15:59:59.999Z');
    // Wed 25 Nov + 15 working days = Wed 16 Dec.
    expect(due('2026-11-25T02:00:00Z', 15)).toBe('2026-12-16T15:59:59.999Z');
  });

  it('a Friday evening submission: the day does not count, the weekend is skipped', () => {
    // Fri 27 Nov 20:00 Shanghai = 12:00Z.
    expect(due('2026-11-27T12:00:00Z', 1)).toBe('2026-11-30T15:59:59.999Z'); // Monday
    expect(due('2026-11-27T12:00:00Z', 2)).toBe('2026-12-01T15:59:59.999Z'); // Tuesday
  });

  it('a submission on a weekend or holiday counts from the next working day', () => {
    expect(due('2026-11-28T03:00:00Z', 1)).toBe('2026-11-30T15:59:59.999Z'); // Saturday -> Monday
    const cal = { timezone: 'Asia/Shanghai', holidays: ['2027-10-01', '2027-10-04', '2027-10-05'] };
    expect(due('2027-10-01T02:00:00Z', 1, cal)).toBe('2027-10-06T15:59:59.999Z');
  });

  it('uses the local day in the zone: 16:30Z on Friday is already Saturday in Shanghai', () => {
    // Fri 27 Nov 16:30Z = Sat 28 Nov 00:30 +08: counting starts after Saturday, Monday is day 1.
    expect(due('2026-11-27T16:30:00Z', 1)).toBe('2026-11-30T15:59:59.999Z');
    expect(due('2026-11-27T16:30:00Z', 2)).toBe('2026-12-01T15:59:59.999Z');
    // Fri 27 Nov 15:59Z is still Friday 23:59 +08: Monday is day 1 as well, Tuesday day 2.
    expect(due('2026-11-27T15:59:00Z', 2)).toBe('2026-12-01T15:59:59.999Z');
    // Thu 26 Nov 16:30Z = Fri 27 Nov 00:30 +08: day 1 is Monday, not Friday.
    expect(due('2026-11-26T16:30:00Z', 1)).toBe('2026-11-30T15:59:59.999Z');
    // ...whereas in UTC the same instant is Thursday, and day 1 is Friday.
    expect(addWorkingDays(at('2026-11-26T16:30:00Z'), 1, { timezone: 'UTC', holidays: [] }).toISOString()).toBe(
      '2026-11-27T23:59:59.999Z',
    );
  });

  it('skips holidays: the 2027 Spring Festival', () => {
    const cal = {
      timezone: 'Asia/Shanghai',
      holidays: ['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
    };
    // Thu 4 Feb + 1: Fri 5 and Mon 8..Fri 12 are holidays -> Mon 15 Feb.
    expect(due('2027-02-04T02:00:00Z', 1, cal)).toBe('2027-02-15T15:59:59.999Z');
    expect(due('2027-02-04T02:00:00Z', 3, cal)).toBe('2027-02-17T15:59:59.999Z');
  });

  it('DST: Europe/Berlin ends the day at 23:59:59.999 local, before and after the change', () => {
    const berlin = { timezone: 'Europe/Berlin', holidays: [] as string[] };
    // Fri 26 Mar 2027 (CET, +01) + 1 -> Mon 29 Mar (CEST, +02): 21:59:59.999Z.
    expect(due('2027-03-26T10:00:00Z', 1, berlin)).toBe('2027-03-29T21:59:59.999Z');
    // Fri 26 Mar 2027 + 0 -> still CET.
    expect(due('2027-03-26T10:00:00Z', 0, berlin)).toBe('2027-03-26T22:59:59.999Z');
    // Fri 29 Oct 2027 (CEST) + 1 -> Mon 1 Nov (CET): 22:59:59.999Z.
    expect(due('2027-10-29T10:00:00Z', 1, berlin)).toBe('2027-11-01T22:59:59.999Z');
    // A submission at Sat 30 Oct 23:30 CEST (21:30Z) is Saturday locally.
    expect(due('2027-10-30T21:30:00Z', 1, berlin)).toBe('2027-11-01T22:59:59.999Z');
  });

  it('the due instant is the end of a local working day, N working days after', () => {
    const cal = { timezone: 'Asia/Shanghai', holidays: ['2027-01-01', '2027-05-03', '2027-05-04', '2027-05-05'] };
    for (let h = 0; h < 24 * 40; h += 7) {
      const from = new Date(Date.UTC(2026, 11, 20) + h * 3_600_000);
      for (const n of [0, 1, 2, 5, 10]) {
        const d = addWorkingDays(from, n, cal);
        const day = localDate(d, cal.timezone);
        expect(localDate(new Date(d.getTime() + 1), cal.timezone)).toBe(addCalendarDays(day, 1));
        expect(workingDaysBetween(localDate(from, cal.timezone), day, cal)).toBe(n);
        if (n > 0) expect(isWorkingDay(day, cal)).toBe(true);
      }
    }
  });

  it('rejects negative or fractional days, and a calendar without working days', () => {
    expect(() => addWorkingDays(at('2026-11-27T00:00:00Z'), -1, shanghai)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-11-27T00:00:00Z'), 1.5, shanghai)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(Number.NaN), 1, shanghai)).toThrow(RangeError);
    const allDays: string[] = [];
    for (let d = '2026-11-28'; d < '2040-01-01'; d = addCalendarDays(d, 1)) allDays.push(d);
    expect(() => addWorkingDays(at('2026-11-27T00:00:00Z'), 1, { timezone: 'UTC', holidays: allDays })).toThrow(
      /no working days/,
    );
  });
});

describe('workingDaysBetween', () => {
  it('counts (from, to]', () => {
    expect(workingDaysBetween('2026-11-27', '2026-11-27', shanghai)).toBe(0);
    expect(workingDaysBetween('2026-11-27', '2026-11-29', shanghai)).toBe(0);
    expect(workingDaysBetween('2026-11-27', '2026-11-30', shanghai)).toBe(1);
    expect(workingDaysBetween('2026-11-23', '2026-12-04', shanghai)).toBe(9);
    expect(workingDaysBetween('2026-12-04', '2026-11-23', shanghai)).toBe(-9);
    expect(workingDaysBetween('2026-11-23', '2026-12-04', { holidays: ['2026-12-01'] })).toBe(8);
  });
});

describe('zones with one offset since 2000, computed without Intl', () => {
  // Etc/GMT-8 is UTC+8 with no daylight-saving time, and Intl computes it: the same answers.
  const twins: [string, string][] = [
    ['Asia/Shanghai', 'Etc/GMT-8'],
    ['Asia/Hong_Kong', 'Etc/GMT-8'],
    ['Asia/Taipei', 'Etc/GMT-8'],
    ['PRC', 'Etc/GMT-8'],
    ['UTC', 'Etc/GMT'],
    ['Etc/UTC', 'Etc/GMT'],
  ];
  const rng = prng(2000);
  const from = Date.UTC(2000, 0, 1);
  const to = Date.UTC(2100, 0, 1);

  it('gives the same local dates, day starts and working days as Intl does for a zone of the same offset', () => {
    for (const [fast, viaIntl] of twins) {
      expect(isValidTimeZone(fast)).toBe(true);
      for (let i = 0; i < 400; i++) {
        const t = from + Math.floor(rng.next() * (to - from));
        const date = localDate(t, viaIntl);
        expect(localDate(t, fast), `${fast} at ${new Date(t).toISOString()}`).toBe(date);
        expect(startOfLocalDay(date, fast).getTime()).toBe(startOfLocalDay(date, viaIntl).getTime());
        expect(addWorkingDays(new Date(t), 5, { timezone: fast, holidays: [] }).getTime()).toBe(addWorkingDays(new Date(t), 5, { timezone: viaIntl, holidays: [] }).getTime());
      }
    }
  });

  it('still asks Intl before 2000: Shanghai kept summer time from 1986 to 1991', () => {
    // 1988-07-01 12:00 UTC was 21:00 in Shanghai (UTC+9 in summer), not 20:00.
    expect(startOfLocalDay('1988-07-01', 'Asia/Shanghai').toISOString()).toBe('1988-06-30T15:00:00.000Z');
    expect(startOfLocalDay('2027-07-01', 'Asia/Shanghai').toISOString()).toBe('2027-06-30T16:00:00.000Z');
  });
});
