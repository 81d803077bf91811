/**
 * The one clock. Everything that asks "what time is it" asks here, so tests (and the local stack's
 * time travel for SLA checks) move time instead of waiting.
 *
 * `YIJIAN_CLOCK_OFFSET_MS` shifts the clock of a whole process (local stack only; never set deployed).
 */
/** What services ask for the time: deps.clock (shared/deps.ts). */
export interface Clock {
  now(): Date;
}

let offsetMs = Number(process.env.YIJIAN_CLOCK_OFFSET_MS ?? 0) || 0;
let fixed: number | null = null;

export const clock = {
  now(): Date {
    return new Date(fixed ?? Date.now() + offsetMs);
  },
  /** Tests: freeze time at `at`, or unfreeze with null. */
  set(at: Date | null): void {
    fixed = at === null ? null : at.getTime();
  },
  /** Tests and the local stack: move time forward (or back) by `ms`. */
  advance(ms: number): void {
    if (fixed !== null) fixed += ms;
    else offsetMs += ms;
  },
};
