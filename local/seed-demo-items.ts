import type { Deps } from '../shared/deps';
import { withStorage, type StorageDeps } from '../shared/storage/client';
import { demoItems, type DemoStep } from '../shared/demo/items';
import type { Principal } from '../shared/domain/access';
import { getItem } from '../shared/data/items';
import { assignItem, replyToItem, transitionItem } from '../shared/services/item-actions';
import { addFollowUp, rate } from '../shared/services/public-desk';
import { submit } from '../shared/services/submit';
import { publishAnswer } from '../shared/services/publications';
import { planRectification, reportProgress, verifyRectification } from '../shared/services/rectification';
import { addCalendarDays, localDate } from '../shared/domain/calendar';
import { demoDirectory } from '../shared/demo/directory';
import type { Resolved, Satisfaction } from '../shared/schemas/submission';

/**
 * Plays the demo items' stories (shared/demo/items.ts) through the services the handlers call, on a
 * clock of their own set back to each step's time: the items, their histories, the counters (the
 * tally reads the stream) and the e-mails (the notify worker) are those of real use. The local
 * stack calls it once, on a table it has just created (local/stack.ts).
 */

const day = 86_400_000;
/** The public writer of a seed: no address, so the room neither counts it nor asks for a proof. */
const seeder = { address: '' };

const demoResolved: Record<Satisfaction, Resolved> = { satisfied: 'yes', basically: 'partly', unsatisfied: 'no' };

const office: Principal = { sub: 'demo-office', name: '办公室', office: true, leader: false, groups: [], units: [] };
/** The group's demo user, as the console's sign-in picker names it (web/src/console/auth.ts). */
const responder = (groupId: string): Principal => ({
  sub: `demo-${groupId}`,
  name: `${['第一', '第二', '第三', '第四', '第五'][Number(groupId.slice(1)) - 1] ?? groupId}督导组`,
  office: false,
  leader: false,
  groups: [groupId],
  units: [],
});

const liaison = (unitId: string): Principal => ({
  sub: `demo-liaison-${unitId}`,
  name: `${demoDirectory.units.find((u) => u.id === unitId)?.name ?? unitId}联络员`,
  office: false,
  leader: false,
  groups: [],
  units: [unitId],
});

/** A demo step by `principal` on the item `code`, made on whatever version is current (no If-Match). */
const by = (principal: Principal, code: string) => ({ principal, id: code, ifMatch: undefined });

const playStep = async (deps: StorageDeps, step: DemoStep, code: string, accessKey: string, codeByTitle: ReadonlyMap<string, string>) => {
  const item = await getItem(deps, code);
  const group = item?.groupId ? responder(item.groupId) : office;
  switch (step.do) {
    case 'assign':
      return assignItem(deps, by(office, code), { groupId: step.groupId });
    case 'start':
    case 'recommend':
      return transitionItem(deps, by(group, code), { action: step.do });
    case 'reply':
    case 'note':
      return replyToItem(deps, by(group, code), { body: step.body, visibility: step.do === 'reply' ? 'public' : 'internal' });
    case 'close':
      return transitionItem(deps, by(office, code), { action: 'close' });
    case 'reject':
      return transitionItem(deps, by(office, code), { action: 'reject', reason: step.reason });
    case 'merge':
      return transitionItem(deps, by(office, code), { action: 'merge', targetId: codeByTitle.get(step.into) });
    case 'rate':
      // The demo's people answer "was it resolved?" as their satisfaction suggests.
      return rate(deps, code, accessKey, { satisfaction: step.satisfaction, resolved: demoResolved[step.satisfaction], comment: step.comment }, seeder);
    case 'follow-up':
      return addFollowUp(deps, code, accessKey, { body: step.body }, seeder);
    case 'publish':
      return publishAnswer(deps, by(office, code), { title: step.title, question: step.question, answer: step.answer });
    case 'plan': {
      const deadline = addCalendarDays(localDate(deps.clock.now(), demoDirectory.campaign.timezone), step.deadlineDays);
      return planRectification(deps, { principal: group, id: code, ifMatch: item!.version }, { unitId: item!.unitId!, measures: step.measures, standard: step.standard, deadline });
    }
    case 'progress':
      // The liaison as the console's demo picker names them.
      return reportProgress(deps, by(liaison(item!.rectification!.unitId), code), { note: step.note, done: step.done });
    case 'verify':
      return verifyRectification(deps, by(group, code), { outcome: step.outcome, note: step.note });
  }
};

/** Seeds every demo item; returns how many. Steps run in time order per item, items one after another. */
export const seedDemoItems = async (deps: Deps): Promise<number> => {
  const now = deps.clock.now().getTime();
  const codeByTitle = new Map<string, string>();
  for (const { steps, daysAgo, ...input } of demoItems) {
    const createdAt = now - daysAgo * day;
    const at = (ms: number) => withStorage({ ...deps, clock: { now: () => new Date(ms) } });
    const receipt = await submit(at(createdAt), { ...input, anonymous: input.contact === undefined }, undefined, seeder);
    codeByTitle.set(input.title, receipt.trackingCode);
    for (const [i, step] of steps.entries()) {
      await playStep(at(createdAt + ((i + 1) * (now - createdAt)) / (steps.length + 1)), step, receipt.trackingCode, receipt.accessKey, codeByTitle);
    }
  }
  return demoItems.length;
};
