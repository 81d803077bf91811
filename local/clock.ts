import type { Clock } from '../shared/clock';

/**
 * The local stack's clock, which tests and the bench move (time travel for the SLA, reminders and
 * auto-close) instead of waiting: the stack puts it into the deps of every handler it runs.
 * Deployed code has no such clock; it gets `systemClock` (shared/clock.ts).
 */
export interface AdjustableClock extends Clock {
  /** Freeze time at `at`, or unfreeze with null. */
  set(at: Date | null): void;
  /** Move time forward (or back) by `ms`. */
  advance(ms: number): void;
}

export const adjustableClock = (offsetMs = 0): AdjustableClock => {
  let offset = offsetMs;
  let fixed: number | null = null;
  return {
    now: () => new Date(fixed ?? Date.now() + offset),
    set(at) {
      fixed = at === null ? null : at.getTime();
    },
    advance(ms) {
      if (fixed !== null) fixed += ms;
      else offset += ms;
    },
  };
};
