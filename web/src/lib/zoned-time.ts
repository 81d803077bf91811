/**
 * A `datetime-local` field's value read as wall-clock time in the campaign's zone (not the
 * browser's), and back, on the domain's own calendar code (shared/domain/calendar.ts).
 */
import { localDate, startOfLocalDay } from '../../../shared/domain/calendar';

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DDTHH:mm' in `timeZone` -> ISO instant (null when not such a value). */
export const zonedToIso = (value: string, timeZone: string): string | null => {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  // The day's first instant plus the time since midnight: exact unless a DST change falls earlier
  // that day (none in the campaign's zone, Asia/Shanghai).
  return new Date(startOfLocalDay(m[1]!, timeZone).getTime() + (Number(m[2]) * 60 + Number(m[3])) * 60_000).toISOString();
};

/** ISO instant -> 'YYYY-MM-DDTHH:mm' in `timeZone`. */
export const isoToZoned = (iso: string | undefined, timeZone: string): string => {
  if (!iso) return '';
  const day = localDate(new Date(iso), timeZone);
  const minutes = Math.floor((Date.parse(iso) - startOfLocalDay(day, timeZone).getTime()) / 60_000);
  return `${day}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
};
