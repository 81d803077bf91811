/**
 * Group-chat robots in the directory (API.md v2, "Group chats"): a group and the office may have
 * `webhooks: [{ kind, url }]`, and every notice that goes to their e-mail addresses also goes
 * there (shared/services/notify.ts). A robot's URL is a secret (its key is in the query string,
 * or in the path for Feishu): no message here ever repeats one.
 */
import * as z from 'zod/mini';
import { schema } from './schema';

export const webhookKinds = ['wecom', 'dingtalk', 'feishu', 'generic'] as const;
export type WebhookKind = (typeof webhookKinds)[number];

/** At most this many robots per group (or the office): each is a delivery of every notice. */
export const maxWebhooks = 5;

/**
 * An https URL (the services' robots), or plain http on 127.0.0.1 (a local receiver: the local
 * stack posts there for real, docs/api.md). Nothing else: an http URL elsewhere would carry the
 * robot's key in clear text, and user:password@ would be a second secret in the URL.
 */
export const isWebhookUrl = (raw: string): boolean => {
  if (raw.length > 1000 || !URL.canParse(raw)) return false;
  const url = new URL(raw);
  if (url.username || url.password || url.hash) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === '127.0.0.1');
};

export const webhookSchema = /* @__PURE__ */ schema(() => z.strictObject({
  kind: z.enum(webhookKinds),
  url: z.string().check(z.refine(isWebhookUrl, 'an https:// address of the robot (http:// only on 127.0.0.1)')),
}));
export type Webhook = z.infer<typeof webhookSchema>;

export const webhooksSchema = /* @__PURE__ */ schema(() => z.array(webhookSchema).check(z.maxLength(maxWebhooks, `at most ${maxWebhooks} robots`)));

/**
 * A robot listed twice would get every notice twice: refused, by position (the message never
 * repeats the URL, a secret).
 */
export const checkWebhooks = (list: unknown, base: (string | number)[], report: (path: (string | number)[], message: string) => void): void => {
  if (!Array.isArray(list)) return;
  const seen = new Map<string, number>();
  list.forEach((hook, i) => {
    const url = typeof hook === 'object' && hook !== null && typeof (hook as { url?: unknown }).url === 'string' ? (hook as { url: string }).url : undefined;
    if (url === undefined) return;
    const first = seen.get(url);
    if (first !== undefined) report([...base, i, 'url'], `the same robot as webhook ${first + 1}`);
    else seen.set(url, i);
  });
};
