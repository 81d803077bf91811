/**
 * The shared zod schemas (and so the server's problem documents) speak English; in Chinese the
 * known messages are translated, anything else is shown as it came.
 */
import { getLang } from './i18n';

const fixed: Record<string, string> = {
  'Must not be blank.': '不能只有空白。',
  'Must not contain control characters.': '不能包含控制字符。',
  'Must be an e-mail address.': '请填写有效的电子邮箱。',
  'Must be a phone number.': '请填写有效的电话号码。',
  'An anonymous submission cannot carry contact details.': '匿名提交不能附带联系方式。',
  'Only training feedback carries a rating.': '只有培训反馈可以评分。',
  'A rejection needs a reason; the submitter will see it.': '不予受理需要写明理由，提交人会看到。',
  'Say which item this one duplicates.': '请填写要合并到的事项编号。',
  // Training sessions (the console's session form and meeting records, the session page).
  'Must be after startsAt.': '结束时间必须晚于开始时间。',
  'No such group.': '没有这个督导组。',
  'No such unit.': '没有这个单位。',
  'Give at least one field to change.': '没有需要保存的修改。',
  'No session with this code and key.': '场次链接无效。',
  'Invalid input': '输入无效。',
};

export const translateMessage = (message: string): string => {
  if (getLang() === 'en') return message;
  if (fixed[message]) return fixed[message];
  let m = /^Must be at least (\d+) characters?\.$/.exec(message);
  if (m) return m[1] === '1' ? '必填。' : `至少 ${m[1]} 个字。`;
  m = /^Must be at most (\d+) characters\.$/.exec(message);
  if (m) return `最多 ${m[1]} 个字。`;
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return '必填。';
  if (/^Invalid option/.test(message)) return '请从列表中选择。';
  if (/^Invalid ISO datetime/.test(message)) return '请填写日期和时间。';
  m = /^Too big: expected array to have <=(\d+) items$/.exec(message);
  if (m) return `最多 ${m[1]} 项。`;
  m = /^Too small: expected array to have >=(\d+) items?$/.exec(message);
  if (m) return `至少 ${m[1]} 项。`;
  return message;
};

/**
 * The room's refusals (shared/http/problem.ts), by the end of their problem type, in both
 * languages: a hall shares one address, so these name the network, not the person. The pages
 * retry once with a fresh proof of work (./room.ts) before any of these is shown.
 */
const roomProblems: Record<string, { zh: string; en: string }> = {
  'rate-limited': {
    zh: '这个网络的提交较多，正在自动验证，请再点一次提交；或 {s} 秒后再试。',
    en: 'Many submissions are coming from this network; an automatic check is under way. Press the button again, or try again in {s} seconds.',
  },
  'room-limit': {
    zh: '这个会场网络的提交已达到本时段上限，请 {s} 秒后再试。',
    en: 'This network has reached its limit of submissions for now; try again in {s} seconds.',
  },
  'proof-used': {
    zh: '这次提交的自动验证已用过，请再点一次提交。',
    en: 'The automatic check of this submission was already used; press the button again.',
  },
  'proof-invalid': {
    zh: '提交时的自动验证没有通过，请刷新页面后再试。',
    en: 'The automatic check of this submission failed; reload the page and try again.',
  },
  'proof-expired': {
    zh: '提交时的自动验证已过期，请再点一次提交。',
    en: 'The automatic check of this submission has expired; press the button again.',
  },
};

/** The page's text for a problem of the room, or null for any other problem. */
export const roomProblemText = (problem: { type?: string; challenge?: string } | undefined, retryAfter: string | null): string | null => {
  const type = /\/problems\/([a-z-]+)$/.exec(problem?.type ?? '')?.[1];
  // A 429 without a challenge (the edge's WAF) is a limit no proof gets past: the room's ceiling, in effect.
  const name = type === 'rate-limited' && !problem?.challenge ? 'room-limit' : type;
  const texts = name ? roomProblems[name] : undefined;
  if (!texts) return null;
  return (getLang() === 'en' ? texts.en : texts.zh).split('{s}').join(retryAfter ?? '60');
};
