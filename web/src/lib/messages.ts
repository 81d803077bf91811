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
  return message;
};
