import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Settings } from '../settings';
import type { Webhook } from '../schemas/webhook';
import { appendOutboxLine } from './outbox-file';
import { robotBody, robotRefusal } from './robot-messages';
import type { Message } from './templates';

/**
 * Posts a notice to a group-chat robot (a Message with `webhook`, shared/notify/recipients.ts).
 * Deployed: an HTTP POST with Node's fetch. Locally (Settings.mailOutbox set): a line in the
 * outbox, like e-mail, with `channel: 'webhook'`; and a robot on 127.0.0.1 (a receiver of the
 * developer's or a test's) is really posted to first, so the local stack exercises the same
 * request, answers and failures; a robot elsewhere is only recorded (nobody's chat gets a
 * developer's test notices). Every failure is thrown as a WebhookError, retried like a failed
 * e-mail and kept after its tries (shared/services/notify.ts): never dropped.
 */
export type WebhookSender = (message: Message) => Promise<void>;

/**
 * A post never outlasts the notification lease (shared/data/notifications.ts `leaseMs`) nor, with
 * the marking after it, notify's timeout (tests tie them). Shorter than SES's (`sesRequestTimeoutMs`,
 * a test ties them too): a robot answers at once, and a robot that hangs must not hold the records
 * behind it long.
 */
export const webhookTimeoutMs = 5_000;

/**
 * Why a post failed, by its name alone (the reason kept and logged): `WebhookTimeout`,
 * `WebhookUnreachable`, `WebhookHttp<status>`, `WebhookRefused<code>` (the service answered with an
 * error code). Never the URL, the service's text or the network error's (either may quote the URL).
 */
export class WebhookError extends Error {
  constructor(name: string) {
    // For logs and the on-failure path only (a person reads the kept notice's reason, the name).
    super(`group-chat robot: ${name}`);
    this.name = name;
  }
}

/**
 * What names a robot where people read it (the outbox, kept notices, logs of failures): its
 * service and host, never the path or query, where the services put the robot's key.
 */
export const webhookLabel = (webhook: Webhook): string => `${webhook.kind}:${URL.canParse(webhook.url) ? new URL(webhook.url).host : 'invalid'}`;

/**
 * A robot's part of a deduplication key: a short hash of its URL, the same on every delivery of the
 * stream record (the directory may reorder robots in between) and telling nothing of the key.
 */
export const webhookTag = (webhook: Webhook): string => `wh-${createHash('sha256').update(webhook.url).digest('hex').slice(0, 12)}`;

export const postWebhook = async (message: Message, fetchImpl: typeof fetch = fetch): Promise<void> => {
  const { webhook, about } = message;
  if (!webhook) throw new WebhookError('WebhookMissing');
  const body = robotBody(webhook.kind, { kind: about?.kind ?? '', trackingCode: about?.trackingCode ?? '', subject: message.subject, text: message.text });
  let answer: Response;
  let text: string;
  try {
    // One timeout for the whole exchange, the answer's body included; no redirects (a robot
    // answers where it is; following one would send the notice somewhere nobody configured).
    answer = await fetchImpl(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(webhookTimeoutMs),
    });
    text = await answer.text();
  } catch (error) {
    throw new WebhookError((error as Error).name === 'TimeoutError' ? 'WebhookTimeout' : 'WebhookUnreachable');
  }
  if (!answer.ok) throw new WebhookError(`WebhookHttp${answer.status}`);
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A receiver answering 2xx without JSON (a generic one) took it.
  }
  const refusal = robotRefusal(parsed);
  if (refusal !== null) throw new WebhookError(`WebhookRefused${refusal}`);
};

const isLoopback = (url: string) => URL.canParse(url) && new URL(url).hostname === '127.0.0.1';

const outboxSender =
  (file: string, clock: Clock): WebhookSender =>
  async (message) => {
    if (message.webhook && isLoopback(message.webhook.url)) await postWebhook(message);
    // The label, subject and text: what a person reads; never the URL.
    appendOutboxLine(file, { id: randomUUID(), channel: 'webhook', to: [...message.to], subject: message.subject, text: message.text, at: clock.now().toISOString(), status: 'sent' });
  };

/** The robot sender these settings configure (the local outbox, or the real post). */
export const createWebhookSender = (settings: Pick<Settings, 'mailOutbox'>, clock: Clock): WebhookSender =>
  settings.mailOutbox ? outboxSender(settings.mailOutbox, clock) : (message) => postWebhook(message);
