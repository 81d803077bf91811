/** Which campaign phase an instant falls in, by the local date in the campaign's time zone. */
import type { Directory, Phase } from '../schemas/directory';
import { localDate } from './calendar';

/**
 * The phase in force at `now`: the last phase whose `startsOn` is on or before the local date of
 * `now` in the campaign time zone (a phase starts at local midnight). Before the first phase has
 * started, the first phase. Does not rely on the phases being sorted.
 */
export const currentPhase = (directory: Pick<Directory, 'campaign'>, now: Date): Phase => {
  const { phases, timezone } = directory.campaign;
  if (phases.length === 0) throw new Error('the campaign has no phases');
  const today = localDate(now, timezone);
  let earliest = phases[0];
  let current: Phase | undefined;
  for (const phase of phases) {
    if (phase.startsOn < earliest.startsOn) earliest = phase;
    // `>=` on equal dates: the later entry in the list wins, as "the last phase" says.
    if (phase.startsOn <= today && (current === undefined || phase.startsOn >= current.startsOn)) current = phase;
  }
  return current ?? earliest;
};
