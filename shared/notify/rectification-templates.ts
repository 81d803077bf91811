import type { Directory } from '../schemas/directory';
import { compose, type Message } from './templates';

/**
 * The notices to a unit's liaisons (API.md v2 "Rectification"): a plan to carry out, a
 * rectification sent back, a deadline approaching. Chinese first, English below, as every message.
 * They name the problem and the plan, never the submitter or their contact details.
 */
export interface RectificationFacts {
  readonly trackingCode: string;
  readonly title: string;
  readonly rectification: { readonly unitId: string; readonly measures: string; readonly standard: string; readonly deadline: string; readonly verification?: { readonly note: string } };
}

const facts = (item: RectificationFacts, directory: Directory) => {
  const r = item.rectification;
  const unit = directory.units.find((u) => u.id === r.unitId)?.name ?? r.unitId;
  return {
    zh: [`跟踪码：${item.trackingCode}`, `问题：${item.title}`, `责任单位：${unit}`, `整改措施：${r.measures}`, `整改标准：${r.standard}`, `整改时限：${r.deadline}`],
    en: [`Tracking code: ${item.trackingCode}`, `Problem: ${item.title}`, `Responsible unit: ${unit}`, `Measures: ${r.measures}`, `Standard: ${r.standard}`, `Deadline: ${r.deadline}`],
  };
};

export const rectificationTemplates = {
  planned: (item: RectificationFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    return {
      to,
      subject: `【意见箱】整改任务 ${item.trackingCode} / Rectification to carry out`,
      text: compose(
        ['贵单位有一项整改任务，请按整改措施和标准在时限内完成，并在工作台报送整改进展。', '', ...f.zh],
        ['Your unit has a problem to rectify: carry out the measures to the standard by the deadline, and report progress in the console.', '', ...f.en],
      ),
    };
  },
  returned: (item: RectificationFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    const note = item.rectification.verification?.note ?? '';
    return {
      to,
      subject: `【意见箱】整改被退回 ${item.trackingCode} / Rectification returned`,
      text: compose(
        ['督导组核查后退回了以下整改，请继续整改后再次报送。', `退回意见：${note}`, '', ...f.zh],
        ['The supervision group checked this rectification and sent it back: please continue and report again.', `Their note: ${note}`, '', ...f.en],
      ),
    };
  },
  reminder: (item: RectificationFacts, directory: Directory, to: readonly string[]): Message => {
    const f = facts(item, directory);
    return {
      to,
      subject: `【意见箱】整改即将到期 ${item.trackingCode} / Rectification deadline approaching`,
      text: compose(
        ['以下整改即将到达整改时限，请抓紧完成并报送。', '', ...f.zh],
        ['The deadline of this rectification is near: please finish it and report.', '', ...f.en],
      ),
    };
  },
};
