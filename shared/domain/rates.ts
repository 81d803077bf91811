/**
 * The three rates (三率) of API.md "Version 2", as arithmetic over counts the dashboard already
 * holds (shared/domain/counters.ts): what each rate's numerator and denominator are.
 */
import { countName, respondBySlots, type Counts } from './counters';

export interface Rate {
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator to three decimals; null when nothing is counted yet. */
  readonly rate: number | null;
}

export const rateOf = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  rate: denominator > 0 ? Math.round((numerator / denominator) * 1000) / 1000 : null,
});

/**
 * The rates of one set of counts (a group's, or everything in scope) at instant `now`:
 *   response      acted on within the window / (acted on + not acted on, window ended before now)
 *   resolution    resolved "yes" / ratings that carry `resolved`
 *   satisfaction  satisfied + basically / rated
 */
export const ratesOf = (counts: Counts, now: string) => {
  const n = (name: string) => counts[name] ?? 0;
  const responseWindowPassed = respondBySlots(counts).reduce((sum, [instant, waiting]) => (instant < now ? sum + waiting : sum), 0);
  const inTime = n(countName.responseInTime);
  const resolvedAnswers = n(countName.resolved('yes')) + n(countName.resolved('partly')) + n(countName.resolved('no'));
  const rated = n(countName.rating('satisfied')) + n(countName.rating('basically')) + n(countName.rating('unsatisfied'));
  return {
    response: rateOf(inTime, inTime + n(countName.responseLate) + responseWindowPassed),
    resolution: rateOf(n(countName.resolved('yes')), resolvedAnswers),
    satisfaction: rateOf(n(countName.rating('satisfied')) + n(countName.rating('basically')), rated),
  };
};

/** A staff action (start, public reply) on an item: its first one after routing is the response (set once). */
export const firstResponse = (item: { routedAt?: string; respondedAt?: string }, at: string): { respondedAt?: string } =>
  item.routedAt && !item.respondedAt ? { respondedAt: at } : {};
