import { changeItem } from '../data/change-item';
import type { Deps } from '../deps';
import { getItemWithEvents, type AttachmentRecord, type EventRecord, type ItemChange, type ItemRecord } from '../data/items';
import { ConflictError } from '../domain/errors';
import { maxFollowUps, nextStatus, ratingAction, type Action } from '../domain/lifecycle';
import { currentPhase } from '../domain/phase';
import { findUnit } from '../domain/routing';
import { normalizeTrackingCode } from '../domain/tracking-code';
import { kinds, type Directory } from '../schemas/directory';
import { satisfactionSchema, type PublicSubmissionView, type Resolved, type Satisfaction } from '../schemas/submission';
import { dueDateFor, requireDirectory } from './directory';
import { findMergeTarget, mergedIntoView, mergedRatingRefusal, publicReplies } from './merged-target';
import { noSuchSubmission, submitter, verifySubmitterAccess } from './submitter-access';
import { admitPublicWrite, readSecretsAhead, type PublicWriter } from './room';
import { joinAdmissions, type Admission } from '../data/room';
import type { StorageDeps } from '../storage/client';
import { attachTo, prepareAttachments } from './attach';
import { toAttachmentViews } from './attachment-views';
import { toPublicRectification } from './rectification-views';
import { itemHeadline } from './views';

export const formData = async (deps: Deps) => {
  const directory = await requireDirectory(deps);
  const phase = currentPhase(directory, deps.clock.now());
  const { campaign } = directory;
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      phase: { id: phase.id, name: phase.name },
      phases: campaign.phases.map(({ id, name, startsOn }) => ({ id, name, startsOn })),
      timezone: campaign.timezone,
    },
    kinds: kinds.map(({ id, name }) => ({ id, name })),
    units: directory.units.map(({ id, name, system }) => ({ id, name, system })),
  };
};

/** The item read after the key check, or the same 404 if it went away in between. */
const found = <T>(record: T | null | undefined): T => {
  if (!record) throw noSuchSubmission();
  return record;
};

const canonicalCode = (code: string): string => normalizeTrackingCode(code) ?? 'YJ-INVALID';

export const publicView = async (deps: Deps, code: string, accessKey: string | undefined): Promise<PublicSubmissionView> => {
  // The key check first, the same work for an unknown code and a wrong key (./submitter-access.ts);
  // the directory (for the unit's and the group's names) is read meanwhile.
  const trackingCode = canonicalCode(code);
  const [, directory] = await Promise.all([verifySubmitterAccess(deps, trackingCode, accessKey), requireDirectory(deps)]);
  const { item, events } = found(await getItemWithEvents(deps, trackingCode));
  const mergedInto = mergedIntoView(directory, item, events, await findMergeTarget(deps, item));
  const unit = findUnit(directory, item.unitId);
  const group = item.groupId ? directory.groups.find((g) => g.id === item.groupId) : undefined;
  return {
    ...itemHeadline(item),
    body: item.body,
    createdAt: item.createdAt,
    ...(item.dueAt ? { dueAt: item.dueAt } : {}),
    ...(unit ? { unit: { id: unit.id, name: unit.name } } : {}),
    ...(group ? { group: { id: group.id, name: group.name } } : {}),
    replies: publicReplies(directory, events, { withAttachments: true }),
    followUps: events.filter((e) => e.followUp).map((e) => ({ body: e.followUp!.body, createdAt: e.at, ...toAttachmentViews(e.followUp!.attachments) })),
    ...toAttachmentViews(item.attachments),
    ...(item.satisfaction ? { satisfaction: item.satisfaction } : {}),
    ratings: events.flatMap((e) => {
      // A rating's event notes its satisfaction, alone or before its comment (see `rate`).
      const satisfaction = e.action === 'rate' ? satisfactionSchema.options.find((s) => e.note === s || e.note?.startsWith(`${s}:`)) : undefined;
      return satisfaction ? [{ satisfaction, createdAt: e.at }] : [];
    }),
    ...(item.resolved ? { resolved: item.resolved } : {}),
    ...(item.rejectedReason ? { rejectedReason: item.rejectedReason } : {}),
    ...(mergedInto ? { mergedInto } : {}),
    ...approvedExtension(item),
    // The rectification's status, and once signed off the sign-off note; never who did what.
    ...(item.rectification ? { rectification: toPublicRectification(item.rectification) } : {}),
  };
};

/** An approved extension while the due date it set still holds (a reopened item has a new one). */
const approvedExtension = ({ extension, dueAt }: ItemRecord): Pick<PublicSubmissionView, 'extension'> =>
  extension?.status === 'approved' && extension.dueAt === dueAt && extension.previousDueAt && extension.decidedAt
    ? { extension: { workingDays: extension.workingDays, reason: extension.reason, previousDueAt: extension.previousDueAt, approvedAt: extension.decidedAt } }
    : {};

/**
 * Applies a submitter's action. The submitter sends no version, so a change that loses a race
 * with staff is simply recomputed on the fresh item: nothing the staff wrote is overwritten.
 */
const changeAsSubmitter = async (
  deps: Deps,
  code: string,
  accessKey: string | undefined,
  writer: PublicWriter,
  action: Action | ((item: ItemRecord) => Action),
  describe: (
    item: ItemRecord,
    to: ItemRecord['status'],
    directory: Directory | null,
    events: readonly EventRecord[],
    attachments: AttachmentRecord[] | undefined,
  ) => ItemChange | Promise<ItemChange>,
  options: { withEvents?: boolean; attach?: (trackingCode: string) => Promise<WithAttachments> } = {},
): Promise<ItemRecord> => {
  const trackingCode = canonicalCode(code);
  readSecretsAhead(deps, writer);
  await verifySubmitterAccess(deps, trackingCode, accessKey);
  // Checked and cleaned after the key, before anything is counted or written.
  const withAttachments: WithAttachments = options.attach ? await options.attach(trackingCode) : (write) => write(undefined, undefined);
  const admission = await admitPublicWrite(deps, writer);
  return withAttachments(async (attachments, claims) => {
    const changed = await changeItem(
      deps,
      trackingCode,
      async (current) => {
        const item = found(current?.item);
        const to = nextStatus(item.status, typeof action === 'function' ? action(item) : action);
        if (to === null) throw new ConflictError(`This is not possible while the submission is ${item.status}.`);
        const directory = to === 'reopened' ? await requireDirectory(deps) : null;
        return describe(item, to, directory, current?.events ?? [], attachments);
      },
      { admission: claims ? joinAdmissions(admission, claims) : admission, withEvents: options.withEvents },
    );
    // Never null: the decision above refuses or plans a change.
    return changed!.item;
  });
};

/**
 * Runs an item write with the uploads a request attaches (./attach.ts `attachTo`, bound to its
 * prepared files): passed in by the one submitter action that takes attachments, so that the
 * functions of the others (a rating) bundle no S3 client.
 */
type WithAttachments = (write: (attachments: AttachmentRecord[] | undefined, claims: Admission | undefined) => Promise<ItemRecord>) => Promise<ItemRecord>;

/** A reopened item goes back to its group with a fresh SLA clock. */
const reopening = (item: ItemRecord, to: ItemRecord['status'], directory: Directory | null, now: Date) =>
  to === 'reopened' && directory ? { dueAt: dueDateFor(directory, item.kind, now), closedAt: undefined } : {};

export const addFollowUp = async (deps: StorageDeps, code: string, accessKey: string | undefined, input: { body: string; attachmentIds?: readonly string[] }, writer: PublicWriter) => {
  const { body } = input;
  const now = deps.clock.now();
  const at = now.toISOString();
  // The count is of the events read at the version the change commits on (a conditional write):
  // two follow-ups racing for the last place cannot both take it.
  const item = await changeAsSubmitter(
    deps,
    code,
    accessKey,
    writer,
    'follow-up',
    (current, to, directory, events, attachments) => {
      if (events.filter((e) => e.followUp).length >= maxFollowUps) {
        throw new ConflictError(`This submission already has ${maxFollowUps} follow-ups, the most it can take.`);
      }
      return {
        set: { status: to, updatedAt: at, ...reopening(current, to, directory, now) },
        event: { at, action: 'follow-up', by: submitter, from: current.status, to, followUp: { body, ...(attachments ? { attachments } : {}) } },
      };
    },
    {
      withEvents: true,
      attach: async (trackingCode) => {
        const prepared = await prepareAttachments(deps, input.attachmentIds);
        return (write) => attachTo(deps, trackingCode, prepared, write);
      },
    },
  );
  return { status: item.status, ...(item.dueAt ? { dueAt: item.dueAt } : {}), createdAt: at };
};

export const rate = async (
  deps: Deps,
  code: string,
  accessKey: string | undefined,
  { satisfaction, resolved, comment }: { satisfaction: Satisfaction; resolved?: Resolved; comment?: string },
  writer: PublicWriter,
) => {
  const now = deps.clock.now();
  const at = now.toISOString();
  const describe = async (current: ItemRecord, to: ItemRecord['status'], directory: Directory | null, events: readonly EventRecord[]): Promise<ItemChange> => {
    const merged = current.status === 'merged';
    if (merged) {
      // The target's answer is rated on the duplicate itself: the target and its status are
      // another person's (docs/api.md, "Merged items").
      const refusal = mergedRatingRefusal(events, await findMergeTarget(deps, current));
      if (refusal) throw new ConflictError(refusal);
    }
    return {
      set: {
        status: to,
        updatedAt: at,
        satisfaction,
        satisfactionComment: comment,
        // The latest rating's answer, or none: a rating without it leaves the resolution rate.
        resolved,
        ...(merged ? {} : to === 'closed' ? { closedAt: at } : reopening(current, to, directory, now)),
      },
      event: {
        at,
        action: 'rate',
        by: submitter,
        from: current.status,
        to,
        note: satisfaction,
        // Why an answer was not enough is what the group needs to read next: keep it as a follow-up
        // (a merged item takes no follow-ups: there the comment stays with the rating).
        ...(comment ? (satisfaction === 'unsatisfied' && !merged ? { followUp: { body: comment } } : { note: `${satisfaction}: ${comment}` }) : {}),
      },
    };
  };
  // Its events tell a merged item's rating rule when it was last rated.
  const item = await changeAsSubmitter(deps, code, accessKey, writer, (current) => ratingAction(satisfaction, current.status), describe, { withEvents: true });
  return { status: item.status };
};
