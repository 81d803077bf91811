import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where the local stack "sends" e-mail: a JSONL file in the data dir (or memory only), read back by
 * `GET /api/dev/outbox`, oldest first. Deployed, the same messages go out through SES.
 */
export interface OutboxEntry {
  readonly id: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly at: string;
  readonly status: 'sent' | 'failed';
  readonly error?: string;
}

export interface Outbox {
  append(entry: OutboxEntry): void;
  list(): OutboxEntry[];
}

export const createOutbox = (file?: string): Outbox => {
  const memory: OutboxEntry[] = [];
  if (file) mkdirSync(dirname(file), { recursive: true });
  return {
    append(entry) {
      if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
      else memory.push(entry);
    },
    list() {
      if (!file) return [...memory];
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as OutboxEntry];
          } catch {
            return []; // a line cut short by a crash mid-write
          }
        });
    },
  };
};
