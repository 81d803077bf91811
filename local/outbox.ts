import { existsSync, readFileSync } from 'node:fs';
import { appendOutboxLine, type OutboxLine } from '../shared/notify/outbox-file';

/**
 * Where the local stack "sends" e-mail: the JSONL file the mailer appends to (YIJIAN_MAIL_OUTBOX),
 * in the data dir, or in a temporary folder when nothing is kept. `GET /api/dev/outbox` reads it,
 * oldest first. Deployed, the same messages go out through SES.
 */
export type OutboxEntry = OutboxLine;

export interface Outbox {
  readonly file: string;
  append(entry: OutboxEntry): void;
  list(): OutboxEntry[];
}

export const createOutbox = (file: string): Outbox => ({
  file,
  append: (entry) => appendOutboxLine(file, entry),
  list() {
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
});
