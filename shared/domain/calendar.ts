/**
 * A pure working-day calendar: local calendar dates in an IANA time zone, weekends (Saturday and
 * Sunday), the directory's holidays and its make-up working days (调休: a weekend day the State
 * Council makes a working day to bridge a holiday). No external library: offsets come from Intl, so zones
 * with daylight-saving time are handled as well as Asia/Shanghai (whose offset, like a few other
 * zones' that have one offset since 2000, is known without Intl: see `fixedOffsetMinutes`).
 *
 * Dates are plain 'YYYY-MM-DD' strings (a local calendar day, no time, no zone); instants are
 * `Date`s. Calendar-day arithmetic is done on UTC midnights, which have no DST.
 */

export interface WorkingCalendar {
  /** IANA zone whose local calendar decides "which day" an instant falls on, e.g. 'Asia/Shanghai'. */
  readonly timezone: string;
  /** Non-working days besides weekends, as 'YYYY-MM-DD'. */
  readonly holidays: readonly string[];
  /** Make-up working days (调休上班) that fall on a weekend, as 'YYYY-MM-DD'; none when absent. */
  readonly workdays?: readonly string[];
}

/** What decides whether a day is a working day (the zone only says which day an instant is on). */
export type WorkingDays = Pick<WorkingCalendar, 'holidays' | 'workdays'>;

const DAY_MS = 86_400_000;

/** Epoch ms of UTC midnight of that day; setUTCFullYear because Date.UTC reads years 0..99 as 1900+. */
const utcMs = (year: number, month: number, day: number): number => {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t.getTime();
};
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is `value` a real calendar date written as 'YYYY-MM-DD' (2027-02-29 and 2026-02-30 are not)? */
export const isIsoDate = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const t = new Date(utcMs(y, mo, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
};

/** Is `timezone` a zone name this runtime's Intl knows? */
export const isValidTimeZone = (timezone: unknown): timezone is string => {
  if (typeof timezone !== 'string' || timezone === '') return false;
  if (Object.hasOwn(fixedOffsetMinutes, timezone)) return true;
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone (constructing Intl.DateTimeFormat is the slow part). */
const formatterFor = (timezone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timezone, f);
  }
  return f;
};

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Zones that have kept one UTC offset since 2000 (minutes east of UTC), computed without Intl:
 * the first Intl.DateTimeFormat of a process loads the zone data, milliseconds of a cold start,
 * for the campaign's own zone on nearly every request. Other zones, and instants before 2000
 * (Asia/Shanghai had daylight-saving time until 1991), go through Intl.
 */
const fixedOffsetMinutes: Readonly<Record<string, number>> = {
  UTC: 0,
  'Etc/UTC': 0,
  'Asia/Shanghai': 480,
  'Asia/Chongqing': 480,
  'Asia/Harbin': 480,
  PRC: 480,
  'Asia/Hong_Kong': 480,
  'Asia/Macau': 480,
  'Asia/Taipei': 480,
};
const fixedSince = Date.UTC(2000, 0, 1);
const fixedUntil = Date.UTC(9000, 0, 1);

const fixedOffsetAt = (epochMs: number, timezone: string): number | undefined => {
  const minutes = Object.hasOwn(fixedOffsetMinutes, timezone) ? fixedOffsetMinutes[timezone] : undefined;
  return minutes !== undefined && epochMs >= fixedSince && epochMs < fixedUntil ? minutes * 60_000 : undefined;
};

const wallClock = (epochMs: number, timezone: string): WallClock => {
  const fixed = fixedOffsetAt(epochMs, timezone);
  if (fixed !== undefined) {
    const t = new Date(epochMs + fixed);
    return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds() };
  }
  const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const part of formatterFor(timezone).formatToParts(epochMs)) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (Object.hasOwn(w, part.type)) w[part.type as keyof WallClock] = Number(part.value);
  }
  w.hour %= 24; // defensive: some engines once printed 24 for midnight
  if (bc) w.year = 1 - w.year;
  return w;
};

/** Local wall-clock minus UTC at `epochMs`, in milliseconds (+8 h for Asia/Shanghai). */
const offsetAt = (epochMs: number, timezone: string): number => {
  const fixed = fixedOffsetAt(epochMs, timezone);
  if (fixed !== undefined) return fixed;
  const w = wallClock(epochMs, timezone);
  const wallAsUtc = utcMs(w.year, w.month, w.day) + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000;
  const floored = Math.floor(epochMs / 1000) * 1000; // the formatter drops milliseconds
  return wallAsUtc - floored;
};


const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const formatUtcDate = (ms: number): string => {
  const t = new Date(ms);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)}`;
};

const parseDate = (date: string): number => {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${String(date)}`);
  return utcMs(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
};

const toEpochMs = (instant: Date | number): number => {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid instant');
  return ms;
};

/**
 * The wall-clock time of `instant` in `timezone`, as a Date whose UTC fields read that time
 * (06:50 Beijing time -> 06:50Z). For formats whose dates carry no zone, such as a spreadsheet's
 * date cells: written from this Date they show the local time the office lives by.
 */
export const wallClockAsUtc = (instant: Date | number, timezone: string): Date => {
  const ms = toEpochMs(instant);
  return new Date(ms + offsetAt(ms, timezone));
};

/** The local calendar date ('YYYY-MM-DD') of `instant` in `timezone`. */
export const localDate = (instant: Date | number, timezone: string): string => {
  const w = wallClock(toEpochMs(instant), timezone);
  return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
};

/** `date` plus `days` calendar days ('2026-12-31' + 1 = '2027-01-01'). */
export const addCalendarDays = (date: string, days: number): string => formatUtcDate(parseDate(date) + days * DAY_MS);

/** 0 = Sunday … 6 = Saturday, for a 'YYYY-MM-DD' date. */
export const dayOfWeek = (date: string): number => new Date(parseDate(date)).getUTCDay();

/**
 * The first instant of local day `date` in `timezone` (normally 00:00 local; on a day whose
 * midnight is skipped by a DST jump, the first instant that exists).
 */
export const startOfLocalDay = (date: string, timezone: string): Date => {
  const wall = parseDate(date);
  // Two rounds of "wall minus the offset in force there" settle on the right offset, except when
  // a transition sits at midnight itself; the check below catches that.
  let t = wall - offsetAt(wall, timezone);
  t = wall - offsetAt(t, timezone);
  if (localDate(t, timezone) >= date && localDate(t - 1, timezone) < date) return new Date(t);
  // Rare: search the first instant whose local date is >= date (monotonic within two days).
  let lo = wall - 2 * DAY_MS; // local date < date
  let hi = wall + 2 * DAY_MS; // local date >= date
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid, timezone) >= date) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
};

/** The last millisecond of local day `date` in `timezone` (23:59:59.999 local), as a UTC Date. */
export const endOfLocalDay = (date: string, timezone: string): Date =>
  new Date(startOfLocalDay(addCalendarDays(date, 1), timezone).getTime() - 1);

const noDays: readonly string[] = [];
const daySets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** A list of days as a Set, built once per array (the directory's arrays live as long as its cache). */
const daySet = (days: readonly string[]): ReadonlySet<string> => {
  let set = daySets.get(days);
  if (set === undefined) {
    set = new Set(days);
    daySets.set(days, set);
  }
  return set;
};

interface DaySets {
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

const daySetsOf = (cal: WorkingDays): DaySets => ({ holidays: daySet(cal.holidays), workdays: daySet(cal.workdays ?? noDays) });

/**
 * A holiday is never a working day; a make-up working day always is, on whatever weekday it falls
 * (the directory refuses a date in both lists and keeps workdays on weekends, so the order of the
 * two checks only matters for a calendar built by hand).
 */
const isWorking = (date: string, days: DaySets): boolean => {
  if (days.holidays.has(date)) return false;
  if (days.workdays.has(date)) return true;
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6;
};

/** Is local day `date` a working day: Monday to Friday or a make-up working day, and not a holiday? */
export const isWorkingDay = (date: string, cal: WorkingDays): boolean => isWorking(date, daySetsOf(cal));

/**
 * When something received at `from` with an SLA of `days` working days is due: the end
 * (23:59:59.999 local) of the `days`-th working day after the local day of `from`. The day of
 * `from` itself never counts, working day or not; `days = 0` means the end of that same local day.
 */
export const addWorkingDays = (from: Date, days: number, cal: WorkingCalendar): Date => {
  if (!Number.isSafeInteger(days) || days < 0) {
    throw new RangeError(`working days must be a non-negative integer, got ${days}`);
  }
  const calendarDays = daySetsOf(cal);
  let date = localDate(from, cal.timezone);
  let counted = 0;
  // Any sane holiday list leaves a working day in every few weeks; guard against a list that
  // does not (e.g. every day of a year) rather than loop for ever.
  let guard = days * 7 + 3660;
  while (counted < days) {
    date = addCalendarDays(date, 1);
    if (isWorking(date, calendarDays)) counted++;
    if (--guard < 0) throw new RangeError('no working days found: check the holidays');
  }
  return endOfLocalDay(date, cal.timezone);
};

/**
 * Working days in the half-open range (from, to] of local dates: the days after `from` up to and
 * including `to`. So `workingDaysBetween(d, localDate(addWorkingDays(t, n)))` is n when d is t's
 * local date. Negative when `to` is before `from`.
 */
export const workingDaysBetween = (from: string, to: string, cal: WorkingDays): number => {
  const days = daySetsOf(cal);
  const start = parseDate(from);
  const end = parseDate(to);
  if (end < start) return -workingDaysBetween(to, from, cal);
  let n = 0;
  for (let t = start + DAY_MS; t <= end; t += DAY_MS) {
    if (isWorking(formatUtcDate(t), days)) n++;
  }
  return n;
};
