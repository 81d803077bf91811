import type { DynamoDBRecord } from 'aws-lambda';
import { getDirectory } from '../data/directory';
import { getItem, type EventRecord, type ItemRecord } from '../data/items';
import { isEventRecord, isItemRecord, notificationDedupKey, trackingCodeOfPk } from '../data/keys';
import { claimNotification, markNotificationSent, releaseNotification } from '../data/notifications';
import { templates, type Message } from '../notify/templates';
import type { Directory } from '../schemas/directory';
import { notifiedEventImage, notifiedItemImage } from '../schemas/stream-images';
import { parseImage, readStreamImage } from './stream-records';
import { groupName } from './directory';
import type { DbDeps, Deps, MailDeps } from '../deps';

/**
 * What the table's change stream means for e-mail. One record may call for a message; each message
 * carries a deduplication key (item, event, version) so a record delivered again sends nothing twice.
 *   item assigned or reopened  -> the group's notifyEmails
 *   item reminded (sweeper)    -> the group's notifyEmails
 *   item overdue (sweeper)     -> the office (directory.officeEmails)
 *   public reply event         -> the submitter's contact.email, if one was given
 */
export interface PlannedMessage {
  readonly dedupKey: string;
  readonly message: Message;
}

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

const groupEmails = (directory: Directory, groupId: string | undefined) =>
  directory.groups.find((g) => g.id === groupId)?.notifyEmails ?? [];
const officeEmails = (directory: Directory) => directory.officeEmails ?? [];

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
  const add = (trackingCode: string, occasion: string | number, kind: string, message: Message) => {
    if (message.to.length > 0) out.push({ dedupKey: notificationDedupKey(trackingCode, occasion, kind), message });
  };

  if (isItemRecord(next)) {
    const item = parseImage(notifiedItemImage, next, 'NewImage') as unknown as ItemRecord;
    const old = prev && isItemRecord(prev) ? (parseImage(notifiedItemImage, prev, 'OldImage') as unknown as ItemRecord) : undefined;
    const code = item.trackingCode;
    if (item.status === 'assigned' && item.groupId && (old?.status !== 'assigned' || old.groupId !== item.groupId)) {
      add(code, item.version, 'assigned', templates.assigned(item, directory, groupEmails(directory, item.groupId)));
    }
    if (item.status === 'reopened' && old?.status !== 'reopened') {
      const to = item.groupId ? groupEmails(directory, item.groupId) : officeEmails(directory);
      add(code, item.version, 'reopened', templates.reopened(item, directory, to));
    }
    if (item.remindedFor && item.remindedFor !== old?.remindedFor) {
      add(code, item.remindedFor, 'reminder', templates.reminder(item, directory, groupEmails(directory, item.groupId)));
    }
    if (item.overdueNotifiedFor && item.overdueNotifiedFor !== old?.overdueNotifiedFor) {
      // Once per item and due date, whatever version carried it.
      add(code, item.overdueNotifiedFor, 'overdue', templates.overdue(item, directory, officeEmails(directory)));
    }
  } else if (isEventRecord(next) && !prev) {
    const event = parseImage(notifiedEventImage, next, 'NewImage') as unknown as EventRecord & { pk: string };
    if (event.reply?.visibility === 'public') {
      const trackingCode = trackingCodeOfPk(event.pk)!;
      const item = await getItem(deps, trackingCode);
      const email = item?.contact?.email;
      if (item && email) {
        add(
          trackingCode,
          event.version,
          'reply',
          templates.reply(item, { body: event.reply.body, groupName: groupName(directory, event.reply.groupId) }, `${deps.settings.publicUrl}/track#${trackingCode}`, [email]),
        );
      }
    }
  }
  return out;
};

/** Sends one planned message at most once (see shared/data/notifications.ts). */
export const deliver = async (deps: MailDeps, { dedupKey, message }: PlannedMessage): Promise<'sent' | 'duplicate'> => {
  let claim = await claimNotification(deps, dedupKey, deps.clock.now());
  if (claim.state === 'busy') {
    // Another attempt is sending it right now, or died mid-send: look again until it is sent or
    // its lease is over (then it is ours), for one lease at most.
    const deadline = Date.now() + claim.retryInMs;
    while (claim.state === 'busy' && Date.now() < deadline) {
      await sleep(Math.min(250, claim.retryInMs));
      claim = await claimNotification(deps, dedupKey, deps.clock.now());
    }
  }
  if (claim.state === 'sent') return 'duplicate';
  if (claim.state === 'busy') throw new NotificationBusyError(dedupKey);
  try {
    await deps.mailer(message);
  } catch (error) {
    await releaseNotification(deps, dedupKey);
    throw new DeliveryError(dedupKey, message.to, message.subject, (error as Error).name || 'send failed');
  }
  await markNotificationSent(deps, dedupKey);
  return 'sent';
};

/** The directory a batch of records is planned with: read once per batch, so a change shows at once. */
export const notifyDirectory = async (deps: DbDeps): Promise<Directory> => {
  const directory = await getDirectory(deps);
  if (!directory) throw new Error('no directory loaded');
  return directory;
};

/** Sends what one stream record calls for; how many went out. Throws when one could not be sent. */
export const notifyRecord = async (deps: MailDeps, record: DynamoDBRecord, directory: Directory): Promise<number> => {
  let sent = 0;
  for (const planned of await plan(deps, record, directory)) {
    if ((await deliver(deps, planned)) === 'sent') sent++;
  }
  return sent;
};
