/**
 * The one clock. Everything that asks "what time is it" asks `deps.clock` (shared/deps.ts), so
 * tests and the local stack's time travel (local/clock.ts) move time instead of waiting.
 */
export interface Clock {
  now(): Date;
}

/** The system's time, shifted by `offsetMs` (Settings.clockOffsetMs: 0 deployed). */
export const systemClock = (offsetMs = 0): Clock => ({
  now: () => new Date(Date.now() + offsetMs),
});
