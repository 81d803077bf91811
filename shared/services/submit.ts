import type { Deps } from '../deps';
import { createItem, getIdempotencyRecord, IdempotencyKeyTakenError, type EventRecord, type ItemRecord } from '../data/items';
import { joinAdmissions } from '../data/room';
import { itemCreation, withRetry } from '../data/retry';
import { ConflictError, InvalidInputError, SessionClosedError } from '../domain/errors';
import { idempotencyKeyHash, idempotencyWindowSeconds, openAnswer, requestFingerprint, sealAnswer } from '../domain/idempotency';
import { currentPhase } from '../domain/phase';
import { findUnit, routeItem } from '../domain/routing';
import { hashAccessKey, newAccessKey, newTrackingCode } from '../domain/tracking-code';
import { countMetric } from '../observability/metrics';
import type { CreateSubmissionBody, SubmissionReceipt } from '../schemas/submission';
import type { StorageDeps } from '../storage/client';
import { attachTo, prepareAttachments } from './attach';
import { dueDateFor, requireDirectory, routingTimes } from './directory';
import { admitPublicWrite, readSecretsAhead, type PublicWriter } from './room';
import { sessionForLink } from './sessions';
import { submitter } from './submitter-access';

/** POST /api/submissions: a new item, with its attachments, idempotent by key. */

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
  // The directory is read while the replay is looked up (one round trip instead of two for the
  // form, which always sends a key); the replay still answers first, whatever the directory read
  // does, and a directory failure surfaces only when the submission goes on.
  const directoryRead = requireDirectory(deps);
  directoryRead.catch(() => undefined);
  readSecretsAhead(deps, writer);
  if (idempotencyKey) {
    const earlier = await replay(deps, idempotencyKey, fingerprint);
    if (earlier) return earlier;
  }
  const directory = await directoryRead;
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

