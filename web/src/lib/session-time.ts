/** A session's time as people read it: the day and start, and the end (time only when the same day), in the campaign's zone. */
import { formatDateTime, formatTime } from './i18n';

const dayIn = (iso: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(new Date(iso));

export const sessionTime = (session: { startsAt: string; endsAt?: string }, timeZone: string): string => {
  const start = formatDateTime(session.startsAt, timeZone);
  if (!session.endsAt) return start;
  const end = dayIn(session.endsAt, timeZone) === dayIn(session.startsAt, timeZone) ? formatTime(session.endsAt, timeZone) : formatDateTime(session.endsAt, timeZone);
  return `${start} – ${end}`;
};

/** Until /api/form answers (and on an old server without `timezone`): the demo's and the contract's zone. */
export const defaultTimeZone = 'Asia/Shanghai';
