import type { DynamoDBRecord } from 'aws-lambda';
import { getDirectory } from '../data/directory';
import { getItem, type EventRecord, type ItemRecord } from '../data/items';
import { forgetKeptNotice, keepAgain, keepNotice, settleSentNotice } from '../data/kept-notices';
import { isEventRecord, isItemRecord, isKeptNoticeRow, trackingCodeOfPk } from '../data/keys';
import { claimNotification, countFailedSend, markNotificationSent, type Claim } from '../data/notifications';
import { afterSend, withRetry } from '../data/retry';
import { logger } from '../observability/logger';
import { countMetric } from '../observability/metrics';
import { keptNoticeImage, notifiedEventImage, notifiedItemImage } from '../schemas/stream-images';
import { streamWorker } from '../workers';
import { templates, type Message } from '../notify/templates';
import { escalationOf, type Directory } from '../schemas/directory';
import { deliveries, groupRecipient, mailbox, officeRecipient, together, type PlannedMessage, type Recipient } from '../notify/recipients';
import { parseImage, readStreamImage } from './stream-records';
import { groupName } from './directory';
import { planRectificationNotices } from './rectification-notices';
import type { DbDeps, Deps, MailDeps } from '../deps';

/**
 * What the table's change stream means for e-mail and group chats. One record may call for a
 * notice; each delivery of it (the e-mail, each robot: shared/notify/recipients.ts) carries a
 * deduplication key (item, event, version, robot) so a record delivered again sends nothing twice.
 * A group or the office gets a notice by e-mail and on its robots (`webhooks`) alike.
 *   new item with an e-mail    -> the submitter: received, with the tracking link (never the key)
 *   item assigned or reopened  -> the group (the office when it has none)
 *   item reminded (sweeper)    -> the group
 *   item overdue (sweeper)     -> the group and the office (directory.officeEmails, officeWebhooks)
 *   extension requested       -> the office; extension decided -> the group
 *   item urged (sweeper)       -> the group and the leaders (escalation.leaderEmails)
 *   public reply event         -> the submitter's contact.email, if one was given
 *   rectification planned (or replaced), returned, its deadline approaching (sweeper)
 *                              -> the liaisons of the unit it names (the unit's liaisonEmails)
 */
export type { PlannedMessage };

/** A message could not be sent; what the on-failure path shows (addresses and subject, never the text). */
export class DeliveryError extends Error {
  constructor(
    readonly dedupKey: string,
    readonly to: readonly string[],
    readonly subject: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'DeliveryError';
  }
}

/** A message is still claimed by another attempt after waiting its lease out: retry the record later. */
export class NotificationBusyError extends Error {
  override readonly name = 'NotificationBusyError';
  constructor(readonly dedupKey: string) {
    super(`notification ${dedupKey} is claimed by another attempt`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often a busy claim is asked for again while its holder's lease runs. */
const busyClaimPollMs = 250;


/** The tracking page for the code alone: the submitter types the key there, so no e-mail holds it. */
const trackingUrl = (deps: Deps, trackingCode: string) => `${deps.settings.publicUrl}/track#${trackingCode}`;

/**
 * The messages one stream record calls for (pure but for reading the item on a public reply).
 * Throws a PoisonRecord when an image it reads does not parse (functions/notify.ts parks it).
 */
export const plan = async (deps: Deps, record: DynamoDBRecord, directory: Directory): Promise<PlannedMessage[]> => {
  const next = readStreamImage(record.dynamodb?.NewImage);
  const prev = readStreamImage(record.dynamodb?.OldImage) ?? undefined;
  if (!next) return [];
  const out: PlannedMessage[] = [];
  /** `occasion`: the version that caused the message, or the due date it is about. */
  const add = (trackingCode: string, occasion: string | number, kind: string, recipient: Recipient, render: (to: readonly string[]) => Message) => {
    out.push(...deliveries(trackingCode, occasion, kind, recipient, render));
  };

  if (isItemRecord(next)) {
    const item = parseImage(notifiedItemImage, next, 'NewImage') as unknown as ItemRecord;
    const old = prev && isItemRecord(prev) ? (parseImage(notifiedItemImage, prev, 'OldImage') as unknown as ItemRecord) : undefined;
    const code = item.trackingCode;
    const group = groupRecipient(directory, item.groupId);
    const office = officeRecipient(directory);
    if (item.status === 'assigned' && item.groupId && (old?.status !== 'assigned' || old.groupId !== item.groupId)) {
      add(code, item.version, 'assigned', group, (to) => templates.assigned(item, directory, to));
    }
    // A new item whose submitter left an e-mail address: told it was received, and where to follow it.
    const email = item.contact?.email;
    if (!prev && email) add(code, item.version, 'received', mailbox([email]), (to) => templates.received(item, directory, trackingUrl(deps, code), to));
    if (item.status === 'reopened' && old?.status !== 'reopened') {
      add(code, item.version, 'reopened', item.groupId ? group : office, (to) => templates.reopened(item, directory, to));
    }
    if (item.remindedFor && item.remindedFor !== old?.remindedFor) {
      add(code, item.remindedFor, 'reminder', group, (to) => templates.reminder(item, directory, to));
    }
    if (item.overdueNotifiedFor && item.overdueNotifiedFor !== old?.overdueNotifiedFor) {
      // Once per item and due date, whatever version carried it: one message to the group and the office.
      add(code, item.overdueNotifiedFor, 'overdue', together(group, office), (to) => templates.overdue(item, directory, to));
    }
    if (item.urgedFor && item.urgedFor !== old?.urgedFor) {
      add(code, item.urgedFor, 'urge', together(group, mailbox(escalationOf(directory).leaderEmails)), (to) => templates.urge(item, directory, to));
    }
    planRectificationNotices(item, old, directory, add);
    const extension = item.extension;
    if (extension?.status === 'requested' && extension.requestedAt !== old?.extension?.requestedAt) {
      add(code, item.version, 'extension-request', office, (to) => templates.extensionRequested(item, extension, directory, to));
    }
    if (extension && extension.status !== 'requested' && old?.extension?.status === 'requested') {
      add(code, item.version, 'extension-decision', group, (to) => templates.extensionDecided(item, extension, directory, to));
    }
  } else if (isEventRecord(next) && !prev) {
    const event = parseImage(notifiedEventImage, next, 'NewImage') as unknown as EventRecord & { pk: string };
    if (event.reply?.visibility === 'public') {
      const trackingCode = trackingCodeOfPk(event.pk)!;
      const item = await getItem(deps, trackingCode);
      const email = item?.contact?.email;
      if (item && email) {
        const reply = { body: event.reply.body, groupName: groupName(directory, event.reply.groupId) };
        add(trackingCode, event.version, 'reply', mailbox([email]), (to) => templates.reply(item, reply, trackingUrl(deps, trackingCode), to));
      }
    }
  }
  return out;
};

/**
 * Waits while another attempt holds the message's claim (sending it right now, or died mid-send),
 * for one lease at most: then it is sent, or ours to take over.
 */
const claimPatiently = async (deps: MailDeps, dedupKey: string, from: 'failed' | 'kept'): Promise<Claim> => {
  let claim = await claimNotification(deps, dedupKey, deps.clock.now(), from);
  if (claim.state === 'busy') {
    const deadline = Date.now() + claim.retryInMs;
    while (claim.state === 'busy' && Date.now() < deadline) {
      await sleep(Math.min(busyClaimPollMs, claim.retryInMs));
      claim = await claimNotification(deps, dedupKey, deps.clock.now(), from);
    }
  }
  if (claim.state === 'busy') throw new NotificationBusyError(dedupKey);
  return claim;
};

/** Sends `message` under the claim held, by e-mail or to its robot; the reason (an error's name, never its text) if it failed. */
const send = async (deps: MailDeps, message: Message): Promise<string | null> => {
  try {
    await (message.webhook ? deps.postWebhook(message) : deps.mailer(message));
    return null;
  } catch (error) {
    return (error as Error).name || 'send failed';
  }
};

/**
 * Marks a sent message sent: told again and again (the `afterSend` policy) while the table does
 * not answer, since a claim left `sending` would be taken over after its lease and sent twice.
 */
const settle = (write: () => Promise<void>) => withRetry(afterSend, write);

/** Kept: told to the log (identifiers and the reason only) and to the alarm's metric. */
const tellKept = (dedupKey: string, reason: string, attempts: number) => {
  countMetric('keptNotices');
  logger.error('notification kept', { dedupKey, reason, attempts });
};

/**
 * Sends one planned message at most once (see shared/data/notifications.ts). A failed send is
 * counted on its claim and thrown (the stream delivers the record again); the send that fails for
 * the `streamWorker.sendAttempts`th time keeps the message in full instead (shared/data/kept-notices.ts):
 * the record is then done, the notice waits for a redrive or a person.
 */
export const deliver = async (deps: MailDeps, { dedupKey, message }: PlannedMessage): Promise<'sent' | 'duplicate' | 'kept'> => {
  const claim = await claimPatiently(deps, dedupKey, 'failed');
  if (claim.state !== 'claimed') return 'duplicate';
  const failure = await send(deps, message);
  if (failure === null) {
    await settle(() => markNotificationSent(deps, dedupKey));
    return 'sent';
  }
  const failures = await countFailedSend(deps, dedupKey);
  if (failures < streamWorker.sendAttempts) throw new DeliveryError(dedupKey, message.to, message.subject, failure);
  await keepNotice(deps, dedupKey, message, failure, deps.clock.now());
  tellKept(dedupKey, failure, failures);
  return 'kept';
};

/**
 * A redrive asked for (shared/services/kept-notices.ts marks the kept row): sends the kept message
 * under its claim, once. A claim already `sent` or `discarded` (a redrive after a partial success)
 * sends nothing and only forgets the row; a send that fails keeps it again, with the new reason.
 */
const redrive = async (deps: MailDeps, notice: { dedupKey: string; message: Message; attempts: number }): Promise<number> => {
  const { dedupKey, message } = notice;
  const claim = await claimPatiently(deps, dedupKey, 'kept');
  if (claim.state === 'sent' || claim.state === 'discarded') {
    await forgetKeptNotice(deps, dedupKey);
    return 0;
  }
  const failure = await send(deps, message);
  if (failure === null) {
    await settle(() => settleSentNotice(deps, dedupKey, deps.clock.now()));
    logger.info('kept notification sent', { dedupKey });
    return 1;
  }
  await keepAgain(deps, dedupKey, failure, deps.clock.now());
  tellKept(dedupKey, failure, notice.attempts + 1);
  return 0;
};

/** The directory a batch of records is planned with: read once per batch, so a change shows at once. */
export const notifyDirectory = async (deps: DbDeps): Promise<Directory> => {
  const directory = await getDirectory(deps);
  if (!directory) throw new Error('no directory loaded');
  return directory;
};

/** Sends what one stream record calls for; how many went out. Throws when one could not be sent. */
export const notifyRecord = async (deps: MailDeps, record: DynamoDBRecord, directory: Directory): Promise<number> => {
  const next = readStreamImage(record.dynamodb?.NewImage);
  if (next && isKeptNoticeRow(next)) {
    const notice = parseImage(keptNoticeImage, next, 'NewImage');
    const before = readStreamImage(record.dynamodb?.OldImage);
    const asked = notice.redriveRequestedAt !== undefined && notice.redriveRequestedAt !== before?.redriveRequestedAt;
    return asked ? redrive(deps, { dedupKey: notice.sk, message: notice.message, attempts: notice.attempts }) : 0;
  }
  let sent = 0;
  for (const planned of await plan(deps, record, directory)) {
    if ((await deliver(deps, planned)) === 'sent') sent++;
  }
  return sent;
};
