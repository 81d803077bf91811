import type { Directory } from '../schemas/directory';
import { escalationOf, kinds } from '../schemas/directory';
import type { Webhook } from '../schemas/webhook';

/**
 * Every e-mail yijian sends, in one place: Chinese first, English below. No template ever takes
 * the submitter's contact details or access key (the acknowledgement and reply templates link to
 * the tracking page for the code alone, where the submitter enters the key themselves).
 */
export interface Message {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /**
   * A group-chat robot's delivery of the notice instead of an e-mail (shared/notify/recipients.ts):
   * `to` then holds the robot's label only, `webhook` its URL (a secret: never logged or shown),
   * `about` what the generic format names.
   */
  readonly webhook?: Webhook;
  readonly about?: { readonly kind: string; readonly trackingCode: string };
}

export interface ItemFacts {
  readonly trackingCode: string;
  readonly kind: string;
  readonly title: string;
  readonly unitId?: string;
  readonly groupId?: string;
  readonly dueAt?: string;
}

/** A due date as the day with its weekday, in the directory's zone (never the mail server's). */
const localDay = (iso: string | undefined, directory: Directory, locale: string): string =>
  iso
    ? new Intl.DateTimeFormat(locale, { timeZone: directory.campaign.timezone, dateStyle: 'full' }).format(new Date(iso))
    : locale.startsWith('zh')
      ? '未设定'
      : 'not set';

const names = (item: ItemFacts, directory: Directory) => {
  const kind = kinds.find((k) => k.id === item.kind);
  const unit = directory.units.find((u) => u.id === item.unitId);
  const group = directory.groups.find((g) => g.id === item.groupId);
  return {
    kindZh: kind?.name ?? item.kind,
    kindEn: kind?.nameEn ?? item.kind,
    unit: unit?.name ?? '（未选择单位）',
    unitEn: unit?.name ?? '(no unit)',
    group: group?.name ?? '领导小组办公室',
  };
};

const facts = (item: ItemFacts, directory: Directory) => {
  const n = names(item, directory);
  return {
    zh: [`跟踪码：${item.trackingCode}`, `类型：${n.kindZh}`, `单位：${n.unit}`, `标题：${item.title}`, `办理期限：${localDay(item.dueAt, directory, 'zh-CN')}`],
    en: [`Tracking code: ${item.trackingCode}`, `Kind: ${n.kindEn}`, `Unit: ${n.unitEn}`, `Title: ${item.title}`, `Due: ${localDay(item.dueAt, directory, 'en-GB')}`],
  };
};

/** A message's text: the Chinese lines, a rule, the English lines. */
export const compose = (zh: string[], en: string[]) => `${zh.join('\n')}\n\n——\n\n${en.join('\n')}\n`;

export const templates = {
  assigned: (item: ItemFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    return {
      to,
      subject: `【意见箱】新事项待办理 ${item.trackingCode} / New item to handle`,
      text: compose(
        [`${names(item, directory).group}：`, '', '有一件新事项分派给你们，请在办理期限前答复。', '', ...f.zh],
        ['A new item has been assigned to your group; please answer it by the due date.', '', ...f.en],
      ),
    };
  },
  reopened: (item: ItemFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    return {
      to,
      subject: `【意见箱】事项重新打开 ${item.trackingCode} / Item reopened`,
      text: compose(
        ['提交人对答复不满意或作了补充，事项已重新打开，请再次办理。', '', ...f.zh],
        ['The submitter was not satisfied or followed up: the item is open again.', '', ...f.en],
      ),
    };
  },
  reminder: (item: ItemFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    const days = escalationOf(directory).remindBeforeWorkingDays;
    return {
      to,
      subject: `【意见箱】事项即将到期 ${item.trackingCode} / Item due soon`,
      text: compose(
        [days === 1 ? '以下事项将在一个工作日内到期，请及时答复。' : `以下事项将在${days}个工作日内到期，请及时答复。`, '', ...f.zh],
        [days === 1 ? 'This item is due within one working day.' : `This item is due within ${days} working days.`, '', ...f.en],
      ),
    };
  },
  overdue: (item: ItemFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    const group = names(item, directory).group;
    return {
      to,
      subject: `【意见箱】事项已逾期 ${item.trackingCode} / Item overdue`,
      text: compose(
        [`以下事项已超过办理期限，尚未答复（承办：${group}）。`, '', ...f.zh],
        [`This item is past its due date without an answer (with: ${group}).`, '', ...f.en],
      ),
    };
  },
  /** To the submitter who left an e-mail address: the item was received, and where to follow it. */
  received: (item: ItemFacts, directory: Directory, trackingUrl: string, to: readonly string[]): Message => {
    const f = facts(item, directory);
    return {
      to,
      subject: `【意见箱】已收到您的事项 ${item.trackingCode} / We have received your item`,
      text: compose(
        ['您好：', '', `我们已收到您提交的事项“${item.title}”，会在办理期限前答复。`, '', ...f.zh, '', `查看办理进度：${trackingUrl}`, '（请使用提交时获得的密钥；为安全起见，本邮件不包含密钥。）'],
        [`We have received your item "${item.title}" and will answer it by the due date.`, '', ...f.en, '', `Follow it: ${trackingUrl}`, '(Use the key you received when you submitted; for safety, this e-mail does not contain it.)'],
      ),
    };
  },
  urge: (item: ItemFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    const group = names(item, directory).group;
    const days = escalationOf(directory).urgeAfterWorkingDays;
    return {
      to,
      subject: `【意见箱】催办 ${item.trackingCode} / Urgent: item overdue`,
      text: compose(
        [`${group}：`, '', `以下事项超过办理期限已${days}个工作日，仍未答复。请抓紧办理，尽快答复提交人。`, '', ...f.zh],
        [`This item is ${days} working days past its due date and still has no answer (with: ${group}). Please act on it now.`, '', ...f.en],
      ),
    };
  },
  extensionRequested: (item: ItemFacts, asked: { workingDays: number; reason: string }, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    const group = names(item, directory).group;
    return {
      to,
      subject: `【意见箱】延期申请待审批 ${item.trackingCode} / Extension requested`,
      text: compose(
        [`${group}申请将以下事项的办理期限延长 ${asked.workingDays} 个工作日，理由：${asked.reason}`, '请在工作台批准或不予延期。', '', ...f.zh],
        [`${group} asks for ${asked.workingDays} more working days on this item. Reason: ${asked.reason}`, 'Approve or decline it in the console.', '', ...f.en],
      ),
    };
  },
  extensionDecided: (item: ItemFacts, decided: { status: string; workingDays: number }, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    const approved = decided.status === 'approved';
    return {
      to,
      subject: `【意见箱】延期申请${approved ? '已批准' : '未获批准'} ${item.trackingCode} / Extension ${approved ? 'approved' : 'declined'}`,
      text: compose(
        [approved ? `延期 ${decided.workingDays} 个工作日的申请已批准，新的办理期限见下。` : `延期 ${decided.workingDays} 个工作日的申请未获批准，请在原办理期限前答复。`, '', ...f.zh],
        [approved ? `The ${decided.workingDays} more working days were approved; the new due date is below.` : `The request for ${decided.workingDays} more working days was declined; please answer by the due date below.`, '', ...f.en],
      ),
    };
  },
  reply: (item: ItemFacts, reply: { body: string; groupName: string }, trackingUrl: string, to: readonly string[]): Message => ({
    to,
    subject: `【意见箱】您的事项有了答复 ${item.trackingCode} / Your item has an answer`,
    text: compose(
      [
        '您好：',
        '',
        `您提交的事项“${item.title}”有了答复（${reply.groupName}）：`,
        '',
        reply.body,
        '',
        `查看进展、补充说明或评价答复：${trackingUrl}`,
        '（请使用提交时获得的密钥。）',
      ],
      [
        `Your item "${item.title}" has an answer (${reply.groupName}):`,
        '',
        reply.body,
        '',
        `Follow it, add to it or rate the answer: ${trackingUrl}`,
        '(Use the key you received when you submitted.)',
      ],
    ),
  }),
};
