import { discardKeptNotice, listKeptNotices, requestRedrive, type KeptNotice } from '../data/kept-notices';
import type { Deps } from '../deps';
import { noticeKindOf } from '../data/keys';
import { canAdminister, type Principal } from '../domain/access';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors';

/**
 * The office's view of the notices that could not be sent (shared/data/kept-notices.ts): list
 * them, have one sent again, or discard one. A redrive is asked for here and done by the notify
 * worker, the one function allowed to send mail: it reads the request off the table's change
 * stream, sends the kept message under its deduplication claim (once, however often it is asked)
 * and deletes it; a send that fails keeps it again with the new reason.
 */
const officeOnly = () => new ForbiddenError('Only the office handles notices that could not be sent.');
const noSuchNotice = () => new NotFoundError('No such kept notice.');

/** A notice's id in paths: its deduplication key (`<trackingCode>#<occasion>#<kind>`), base64url. */
export const keptNoticeId = (dedupKey: string) => Buffer.from(dedupKey, 'utf8').toString('base64url');
const dedupKeyOf = (id: string): string => {
  const key = Buffer.from(id, 'base64url').toString('utf8');
  if (keptNoticeId(key) !== id || !/^YJ-[^#]+#[^#]+#[^#]+$/.test(key)) throw noSuchNotice();
  return key;
};

const view = (notice: KeptNotice) => {
  const [trackingCode] = notice.dedupKey.split('#');
  const { kind } = noticeKindOf(notice.dedupKey);
  return {
    id: keptNoticeId(notice.dedupKey),
    trackingCode,
    kind,
    // A robot's notice shows the robot's service and host in `to`, never its URL (a secret).
    channel: notice.message.webhook ? ('webhook' as const) : ('email' as const),
    // The recipients are shown to the office only, and kept only until the notice is sent or discarded.
    to: notice.message.to,
    subject: notice.message.subject,
    text: notice.message.text,
    reason: notice.reason,
    attempts: notice.attempts,
    keptAt: notice.keptAt,
    lastTriedAt: notice.lastTriedAt,
    ...(notice.redriveRequestedAt ? { redriveRequestedAt: notice.redriveRequestedAt } : {}),
  };
};

export const listNotices = async (deps: Deps, principal: Principal) => {
  if (!canAdminister(principal)) throw officeOnly();
  return { notices: (await listKeptNotices(deps)).map(view) };
};

export const redriveNotice = async (deps: Deps, principal: Principal, id: string) => {
  if (!canAdminister(principal)) throw officeOnly();
  const at = deps.clock.now();
  if (!(await requestRedrive(deps, dedupKeyOf(id), at))) throw noSuchNotice();
  return { id, status: 'redriving' as const, redriveRequestedAt: at.toISOString() };
};

export const discardNotice = async (deps: Deps, principal: Principal, id: string) => {
  if (!canAdminister(principal)) throw officeOnly();
  const outcome = await discardKeptNotice(deps, dedupKeyOf(id), deps.clock.now());
  if (outcome === 'missing') throw noSuchNotice();
  if (outcome === 'busy') throw new ConflictError('This notice is being sent right now.');
  return { id, status: 'discarded' as const };
};
