import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { clock } from '../clock';
import { appendOutboxLine } from './outbox-file';
import type { Message } from './templates';

/**
 * Sends one message. Deployed: SES v2 from YIJIAN_MAIL_FROM. Locally (YIJIAN_MAIL_OUTBOX set): a
 * line in the outbox file, which `GET /api/dev/outbox` reads. Chosen by configuration only.
 */
export type Mailer = (message: Message) => Promise<void>;

const outboxFile = process.env.YIJIAN_MAIL_OUTBOX;
const from = process.env.YIJIAN_MAIL_FROM;
// A send never outlasts the notification lease (shared/data/notifications.ts): 10 s at most.
// throwOnRequestTimeout: without it the SDK only logs a request past its timeout and waits on.
const ses = outboxFile ? undefined : new SESv2Client({ requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true } });

const sendWithSes: Mailer = async (message) => {
  if (!from) throw new Error('YIJIAN_MAIL_FROM is not set');
  await ses!.send(
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

const writeToOutbox: Mailer = async (message) => {
  appendOutboxLine(outboxFile!, { id: randomUUID(), ...message, at: clock.now().toISOString(), status: 'sent' });
};

let current: Mailer = outboxFile ? writeToOutbox : sendWithSes;

export const mailer = {
  send: (message: Message) => current(message),
  /** Tests: wrap or replace the sender (to inject failures); returns the previous one. */
  use(next: (previous: Mailer) => Mailer): Mailer {
    const previous = current;
    current = next(previous);
    return previous;
  },
  restore(previous: Mailer) {
    current = previous;
  },
};
