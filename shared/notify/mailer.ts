import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Clock } from '../clock';
import type { Deps, MailDeps } from '../deps';
import type { Settings } from '../settings';
import { appendOutboxLine } from './outbox-file';
import type { Message } from './templates';
import { createWebhookSender, type WebhookSender } from './webhook-sender';

/**
 * Sends one message. Deployed: SES v2 from Settings.mailFrom. Locally (Settings.mailOutbox set): a
 * line in the outbox file, which `GET /api/dev/outbox` reads. Chosen by configuration only; a test
 * that needs a sender that fails puts its own in the deps it builds.
 */
export type Mailer = (message: Message) => Promise<void>;

/** A send never outlasts the notification lease (shared/data/notifications.ts `leaseMs`); a test ties them. */
export const sesRequestTimeoutMs = 10_000;
const sesConnectTimeoutMs = 3_000;

const sesMailer = (from: string | undefined): Mailer => {
  // throwOnRequestTimeout: without it the SDK only logs a request past its timeout and waits on.
  const ses = new SESv2Client({ requestHandler: { requestTimeout: sesRequestTimeoutMs, connectionTimeout: sesConnectTimeoutMs, throwOnRequestTimeout: true } });
  return async (message) => {
    if (!from) throw new Error('YIJIAN_MAIL_FROM is not set');
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [...message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  };
};

const outboxMailer =
  (file: string, clock: Clock): Mailer =>
  async (message) => {
    appendOutboxLine(file, { id: randomUUID(), ...message, at: clock.now().toISOString(), status: 'sent' });
  };

/** The mailer these settings configure (made once per cold start, with its SES client). */
export const createMailer = (settings: Pick<Settings, 'mailFrom' | 'mailOutbox'>, clock: Clock): Mailer =>
  settings.mailOutbox ? outboxMailer(settings.mailOutbox, clock) : sesMailer(settings.mailFrom);

/** `deps` with the mailer and the robots' sender their settings configure. */
export const withMailer = (
  deps: Deps,
  mailer: Mailer = createMailer(deps.settings, deps.clock),
  postWebhook: WebhookSender = createWebhookSender(deps.settings, deps.clock),
): MailDeps => ({
  get db() {
    return deps.db;
  },
  clock: deps.clock,
  settings: deps.settings,
  mailer,
  postWebhook,
});
