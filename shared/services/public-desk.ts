import { changeItem } from '../data/change-item';
import type { Deps } from '../deps';
import { createItem, getIdempotencyRecord, getItemWithEvents, IdempotencyKeyTakenError, type AttachmentRecord, type EventRecord, type ItemChange, type ItemRecord } from '../data/items';
import { itemCreation, withRetry } from '../data/retry';
import { ConflictError, InvalidInputError, SessionClosedError } from '../domain/errors';
import {
  idempotencyKeyHash,
  idempotencyWindowSeconds,
  openAnswer,
  requestFingerprint,
  sealAnswer,
} from '../domain/idempotency';
import { maxFollowUps, nextStatus, ratingAction, type Action } from '../domain/lifecycle';
import { currentPhase } from '../domain/phase';
import { findUnit, routeItem } from '../domain/routing';
import {
  hashAccessKey,
  newAccessKey,
  newTrackingCode,
  normalizeTrackingCode,
} from '../domain/tracking-code';
import { countMetric } from '../observability/metrics';
import { kinds, type Directory } from '../schemas/directory';
import { satisfactionSchema, type CreateSubmissionBody, type PublicSubmissionView, type Resolved, type Satisfaction, type SubmissionReceipt } from '../schemas/submission';
import { dueDateFor, requireDirectory, routingTimes } from './directory';
import { findMergeTarget, mergedIntoView, mergedRatingRefusal, publicReplies } from './merged-target';
import { sessionForLink } from './sessions';
import { noSuchSubmission, verifySubmitterAccess } from './submitter-access';
import { admitPublicWrite, type PublicWriter } from './room';
import { joinAdmissions, type Admission } from '../data/room';
import type { StorageDeps } from '../storage/client';
import { attachTo, prepareAttachments } from './attach';
import { toAttachmentViews } from './attachment-views';
import { toPublicRectification } from './rectification-views';

const submitter = { type: 'submitter' } as const;

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

/** The answer to an earlier request with the same Idempotency-Key, or null if there was none. */
const replay = async (deps: Deps, key: string, fingerprint: string): Promise<SubmissionReceipt | null> => {
  const record = await getIdempotencyRecord(deps, idempotencyKeyHash(key));
  if (!record) return null;
  const answer = record.requestHash === fingerprint ? openAnswer<SubmissionReceipt>(key, record.sealed) : null;
  if (!answer) throw new ConflictError('This Idempotency-Key was already used for a different submission.');
  return answer;
};

/**
 * Takes a submission: routes it, starts its SLA clock and stores it with its first history entry.
 * With an Idempotency-Key, a retry within `idempotencyWindowSeconds` gets the first receipt back and creates nothing.
 */
export const submit = async (deps: StorageDeps, input: CreateSubmissionBody, idempotencyKey: string | undefined, writer: PublicWriter): Promise<SubmissionReceipt> => {
  const now = deps.clock.now();
  if (input.website) {
    // The honeypot was filled in: a bot. It gets a receipt that looks real; nothing is stored.
    return { trackingCode: newTrackingCode(), accessKey: newAccessKey(), status: 'submitted', createdAt: now.toISOString() };
  }
  const fingerprint = idempotencyKey ? requestFingerprint(input) : '';
  if (idempotencyKey) {
    const earlier = await replay(deps, idempotencyKey, fingerprint);
    if (earlier) return earlier;
  }
  const directory = await requireDirectory(deps);
  if (input.unitId !== undefined && !findUnit(directory, input.unitId)) {
    throw new InvalidInputError([{ path: 'unitId', message: 'No such unit.' }]);
  }
  const session = input.session ? await sessionForLink(deps, input.session.code, input.session.key) : null;
  if (input.session && !session) throw new InvalidInputError([{ path: 'session', message: 'No session with this code and key.' }]);
  if (session && !session.open) throw new SessionClosedError();
  const route = routeItem(directory, { kind: input.kind, unitId: input.unitId });
  // Checked and cleaned before anything is written: a bad file refuses the whole submission.
  const prepared = await prepareAttachments(deps, input.attachmentIds);
  // After the replay: a retried request is answered without being counted or its proof checked again.
  const admission = await admitPublicWrite(deps, writer);
  const createdAt = now.toISOString();
  const status: ItemRecord['status'] = route ? 'assigned' : 'submitted';
  const dueAt = route ? dueDateFor(directory, input.kind, now) : undefined;

  // A drawn tracking code that is taken is drawn again; a concurrent twin with the same
  // Idempotency-Key that won the race is answered with its receipt (the itemCreation policy).
  return withRetry(itemCreation, async () => {
    const trackingCode = newTrackingCode();
    const accessKey = newAccessKey();
    const receipt: SubmissionReceipt = { trackingCode, accessKey, status, ...(dueAt ? { dueAt } : {}), createdAt };
    // The clean copies are stored under this code's key before the item that names them.
    return attachTo(deps, trackingCode, prepared, async (attachments, claims) => {
    const item: ItemRecord = {
      trackingCode,
      kind: input.kind,
      title: input.title,
      body: input.body,
      status,
      unitId: input.unitId,
      groupId: route?.groupId,
      phase: currentPhase(directory, now).id,
      createdAt,
      updatedAt: createdAt,
      dueAt,
      ...(route ? routingTimes(directory, now) : {}),
      version: 1,
      accessKeyHash: hashAccessKey(accessKey),
      anonymous: input.anonymous,
      contact: input.anonymous ? undefined : input.contact,
      rating: input.rating,
      recommended: false,
      ...(session ? { source: 'session' as const, sessionCode: session.code } : { source: 'form' as const }),
      ...(attachments ? { attachments } : {}),
    };
    const event: EventRecord = {
      version: 1,
      at: createdAt,
      action: 'submit',
      by: submitter,
      to: status,
      ...(route ? { note: route.ruleIndex === null ? `routed to ${route.groupId} by unit` : `routed to ${route.groupId} by rule ${route.ruleIndex + 1}` } : {}),
    };
    const sealed = idempotencyKey
      ? {
          keyHash: idempotencyKeyHash(idempotencyKey),
          requestHash: fingerprint,
          sealed: sealAnswer(idempotencyKey, receipt),
          expiresAt: Math.floor(now.getTime() / 1000) + idempotencyWindowSeconds,
        }
      : undefined;
    try {
      await createItem(deps, item, event, sealed, claims ? joinAdmissions(admission, claims) : admission, session?.code);
      countMetric('submissions');
      if (route) countMetric('routed');
      return receipt;
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError && idempotencyKey)) throw error;
      // Another request with the same key won the race; answer what it answered (if its record
      // has already expired again, try anew).
      const earlier = await replay(deps, idempotencyKey, fingerprint);
      if (earlier) return earlier;
      throw error;
    }
    });
  });
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
    trackingCode: item.trackingCode,
    kind: item.kind,
    title: item.title,
    body: item.body,
    status: item.status,
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
