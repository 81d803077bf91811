import { notificationDedupKey, webhookDedupKey } from '../data/keys';
import type { Directory } from '../schemas/directory';
import type { Webhook } from '../schemas/webhook';
import type { Message } from './templates';
import { webhookLabel, webhookTag } from './webhook-sender';

/**
 * Who a notice goes to, on every channel: a recipient is anything with e-mail addresses and
 * group-chat robots (a supervision group, the office; later any other that gains `webhooks`), and
 * a notice to several recipients is one e-mail to all their addresses plus one post per distinct
 * robot. Each of those is a delivery of its own, with its own deduplication claim
 * (shared/data/notifications.ts): a robot that fails is retried and kept on its own, and never
 * sends the e-mail again, nor the e-mail the robot's post.
 */
export interface Recipient {
  readonly emails: readonly string[];
  readonly webhooks: readonly Webhook[];
}

export interface PlannedMessage {
  readonly dedupKey: string;
  readonly message: Message;
}

export const groupRecipient = (directory: Directory, groupId: string | undefined): Recipient => {
  const group = directory.groups.find((g) => g.id === groupId);
  return { emails: group?.notifyEmails ?? [], webhooks: group?.webhooks ?? [] };
};

/** A member unit's liaisons (API.md v2 "Rectification"): their addresses and the unit's robots. */
export const unitRecipient = (directory: Directory, unitId: string): Recipient => {
  const unit = directory.units.find((u) => u.id === unitId);
  return { emails: unit?.liaisonEmails ?? [], webhooks: unit?.webhooks ?? [] };
};

export const officeRecipient = (directory: Directory): Recipient => ({ emails: directory.officeEmails ?? [], webhooks: directory.officeWebhooks ?? [] });

/** People reached by e-mail only (a submitter, the leaders). */
export const mailbox = (emails: readonly string[]): Recipient => ({ emails, webhooks: [] });

/** Several recipients as one: each address and each robot once. */
export const together = (...recipients: Recipient[]): Recipient => ({
  emails: [...new Set(recipients.flatMap((r) => r.emails))],
  webhooks: [...new Map(recipients.flatMap((r) => r.webhooks).map((w) => [w.url, w] as const)).values()],
});

/**
 * The deliveries of one notice: the e-mail (its key `<code>#<occasion>#<kind>`, as before robots
 * existed) when there are addresses, and one post per robot (`<code>#<occasion>#<kind>@wh-<hash>`).
 * `render` makes the notice for a list of addresses (the templates in ./templates.ts).
 */
export const deliveries = (
  trackingCode: string,
  occasion: string | number,
  kind: string,
  recipient: Recipient,
  render: (to: readonly string[]) => Message,
): PlannedMessage[] => {
  const dedupKey = notificationDedupKey(trackingCode, occasion, kind);
  const out: PlannedMessage[] = recipient.emails.length ? [{ dedupKey, message: render(recipient.emails) }] : [];
  if (recipient.webhooks.length) {
    const { subject, text } = render([]);
    for (const webhook of together(recipient).webhooks) {
      out.push({ dedupKey: webhookDedupKey(dedupKey, webhookTag(webhook)), message: { to: [webhookLabel(webhook)], subject, text, webhook, about: { kind, trackingCode } } });
    }
  }
  return out;
};
