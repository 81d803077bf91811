import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One line of the local outbox (a JSONL file): what the local stack "sent", or failed to send.
 * `channel: 'webhook'` marks a group-chat robot's delivery (`to` then names the robot's service
 * and host, never its URL: shared/notify/webhook-sender.ts); e-mail lines have no `channel`.
 */
export interface OutboxLine {
  readonly id: string;
  readonly channel?: 'webhook';
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly at: string;
  readonly status: 'sent' | 'failed';
  readonly error?: string;
}

export const appendOutboxLine = (file: string, line: OutboxLine) => {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(line)}\n`);
};

