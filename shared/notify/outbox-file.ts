import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** One line of the local outbox (a JSONL file): what the local stack "sent", or failed to send. */
export interface OutboxLine {
  readonly id: string;
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

