import type { WebhookKind } from '../schemas/webhook';

/**
 * A notice as a group-chat robot takes it: the JSON body POSTed to its webhook, in the format of
 * its service. The notice is the e-mail's subject and text (Chinese first, English below), so a
 * chat reads what the mailbox reads. The formats, as the services document their custom robots:
 *
 * - WeCom (企业微信群机器人, developer.work.weixin.qq.com/document/path/91770, "群机器人配置说明"):
 *   `{ "msgtype": "markdown", "markdown": { "content": "..." } }`, content at most 4096 bytes of
 *   UTF-8 (`text`: 2048). Answer `{ "errcode": 0, "errmsg": "ok" }`.
 * - DingTalk (钉钉自定义机器人, open.dingtalk.com/document/orgapp/custom-robots-send-group-messages
 *   and .../development/robot-message-type): `{ "msgtype": "markdown", "markdown": { "title",
 *   "text" } }`; `title` is what the chat list shows. A line break in its Markdown needs a blank line
 *   or two trailing spaces. Answer `{ "errcode": 0, "errmsg": "ok" }`. A robot secured by a keyword
 *   takes messages that contain it: every notice contains "意见箱".
 * - Feishu (飞书自定义机器人, open.feishu.cn/document/client-docs/bot-v3/add-custom-bot,
 *   "自定义机器人使用指南"): `{ "msg_type": "post", "content": { "post": { "zh_cn": { "title",
 *   "content": [[{ "tag": "text", "text" }], ...] } } } }` (one paragraph a line; `content` is an
 *   object here, unlike the app API's string), request at most 20 KB. Answer `{ "code": 0, "msg":
 *   "success" }` (older robots `{ "StatusCode": 0 }`).
 * - generic: the notice itself as JSON, `{ kind, trackingCode, subject, text }`, for any receiver
 *   of the office's own (an automation, a relay to another chat).
 * Looked up in those services' pages and in the robots' client libraries (DingtalkChatbot,
 * feishu-webhook-bot); signing (DingTalk's and Feishu's optional secret) is not supported: a robot
 * that requires it is secured by a keyword or an IP allowlist instead.
 */
export interface RobotNotice {
  /** What the notice is about (`assigned`, `overdue`, ...) and which item. */
  readonly kind: string;
  readonly trackingCode: string;
  readonly subject: string;
  readonly text: string;
}

/** A notice's text, in bytes, as every service takes it: under WeCom's markdown limit, the smallest of them (4096 bytes; a test ties them). */
export const maxTextBytes = 4000;
const encoder = new TextEncoder();

/** `text` cut to at most `max` bytes of UTF-8, whole characters only, marked when cut. */
export const cutToBytes = (text: string, max = maxTextBytes): string => {
  if (encoder.encode(text).length <= max) return text;
  let out = '';
  let bytes = 0;
  const more = '\n……';
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (bytes + size > max - encoder.encode(more).length) break;
    out += char;
    bytes += size;
  }
  return out + more;
};

export const robotBody = (kind: WebhookKind, notice: RobotNotice): unknown => {
  const text = cutToBytes(notice.text);
  switch (kind) {
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: cutToBytes(`**${notice.subject}**\n\n${text}`) } };
    case 'dingtalk':
      // Two trailing spaces: a line break in DingTalk's Markdown.
      return { msgtype: 'markdown', markdown: { title: notice.subject, text: `#### ${notice.subject}\n\n${text.replaceAll('\n', '  \n')}` } };
    case 'feishu':
      return { msg_type: 'post', content: { post: { zh_cn: { title: notice.subject, content: text.split('\n').map((line) => [{ tag: 'text', text: line }]) } } } };
    case 'generic':
      return { kind: notice.kind, trackingCode: notice.trackingCode, subject: notice.subject, text: notice.text };
  }
};

/**
 * Whether a robot's answer says it refused the message: the services answer 200 with an error
 * code in the body (WeCom and DingTalk `errcode`, Feishu `code` or `StatusCode`); null when it
 * took it, else the code (a number, never the service's text: it may quote the URL's key).
 */
export const robotRefusal = (answer: unknown): number | null => {
  if (typeof answer !== 'object' || answer === null) return null;
  const record = answer as Record<string, unknown>;
  for (const field of ['errcode', 'code', 'StatusCode']) {
    const value = record[field];
    if (typeof value === 'number' && value !== 0) return value;
  }
  return null;
};
