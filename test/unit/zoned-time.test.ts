/**
 * The console's session times: a `datetime-local` value is wall-clock time in the campaign's zone
 * (not the browser's), and back (the session page's time in that zone is checked in the e2e test).
 */
import { describe, expect, it } from 'vitest';
import { isoToZoned, zonedToIso } from '../../web/src/lib/zoned-time';

describe('zoned times', () => {
  it('reads a datetime-local value in the given zone, whatever the process zone', () => {
    expect(zonedToIso('2026-12-08T09:30', 'Asia/Shanghai')).toBe('2026-12-08T01:30:00.000Z');
    expect(zonedToIso('2027-01-01T00:00', 'Asia/Shanghai')).toBe('2026-12-31T16:00:00.000Z');
    expect(zonedToIso('2026-07-01T09:30', 'Europe/Berlin')).toBe('2026-07-01T07:30:00.000Z');
    expect(zonedToIso('2026-12-08', 'Asia/Shanghai')).toBeNull();
    expect(zonedToIso('', 'Asia/Shanghai')).toBeNull();
  });

  it('writes an instant back as the zone’s wall-clock time, the round trip exact', () => {
    expect(isoToZoned('2026-12-08T01:30:00.000Z', 'Asia/Shanghai')).toBe('2026-12-08T09:30');
    expect(isoToZoned('2026-12-31T16:00:00.000Z', 'Asia/Shanghai')).toBe('2027-01-01T00:00');
    expect(isoToZoned(undefined, 'Asia/Shanghai')).toBe('');
    for (const value of ['2026-11-16T08:00', '2027-03-01T23:59', '2027-06-01T00:01']) {
      expect(isoToZoned(zonedToIso(value, 'Asia/Shanghai')!, 'Asia/Shanghai')).toBe(value);
    }
  });
});
