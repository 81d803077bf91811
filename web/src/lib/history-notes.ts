/**
 * The notes the server writes itself in an item's history (routing on submission, meeting
 * records, ratings, the sweeper), in the page's language. The server stores them in English, as
 * it stores every machine text; a note a person wrote (an assignment's, a rejection's) is shown
 * as written: only these actions' notes are read, and only when they match the server's words.
 */
import { formatDate, getLang } from './i18n';
import { satisfactionName } from './terms';

type Say = (m: RegExpExecArray, group: (id: string) => string) => { zh: string; en: string };

/** The server's note texts (shared/services/), by the action whose history entry carries them. */
const notes: Record<string, [RegExp, Say][]> = {
  submit: [
    [/^routed to (\S+) by unit$/, (m, g) => ({ zh: `按单位分派给${g(m[1]!)}`, en: `routed to ${g(m[1]!)} by unit` })],
    [/^routed to (\S+) by rule (\d+)$/, (m, g) => ({ zh: `按第 ${m[2]} 条规则分派给${g(m[1]!)}`, en: `routed to ${g(m[1]!)} by rule ${m[2]}` })],
  ],
  record: [
    [/^answered on the spot$/, () => ({ zh: '现场已答复', en: 'answered on the spot' })],
    [/^routed to (\S+)$/, (m, g) => ({ zh: `分派给${g(m[1]!)}`, en: `routed to ${g(m[1]!)}` })],
    [/^for the office$/, () => ({ zh: '交由办公室分办', en: 'for the office' })],
  ],
  rate: [
    [
      /^(satisfied|basically|unsatisfied)(?:: ([^]*))?$/,
      (m) => ({ zh: m[2] ? `${satisfactionName(m[1]!)}：${m[2]}` : satisfactionName(m[1]!), en: m[2] ? `${satisfactionName(m[1]!)}: ${m[2]}` : satisfactionName(m[1]!) }),
    ],
  ],
  overdue: [[/^due (\d{4}-\d\d-\d\dT[\d:.]+Z)$/, (m) => ({ zh: `答复期限 ${formatDate(m[1])}`, en: `due ${formatDate(m[1])}` })]],
  remind: [[/^due (\d{4}-\d\d-\d\dT[\d:.]+Z)$/, (m) => ({ zh: `答复期限 ${formatDate(m[1])}`, en: `due ${formatDate(m[1])}` })]],
  urge: [[/^due (\d{4}-\d\d-\d\dT[\d:.]+Z)$/, (m) => ({ zh: `答复期限 ${formatDate(m[1])}`, en: `due ${formatDate(m[1])}` })]],
  // A deadline extension: the working days and the reason (a person's), the old and the new due date.
  'extension-request': [[/^\+(\d+): ([^]*)$/, (m) => ({ zh: `延长 ${m[1]} 个工作日：${m[2]}`, en: `${m[1]} more working days: ${m[2]}` })]],
  'extension-approve': [
    [
      /^(\d{4}-\d\d-\d\dT[\d:.]+Z) → (\d{4}-\d\d-\d\dT[\d:.]+Z)(?:: ([^]*))?$/,
      (m) => ({ zh: `${formatDate(m[1])} → ${formatDate(m[2])}${m[3] ? `：${m[3]}` : ''}`, en: `${formatDate(m[1])} → ${formatDate(m[2])}${m[3] ? `: ${m[3]}` : ''}` }),
    ],
  ],
  'auto-close': [[/^not rated within (\d+) days$/, (m) => ({ zh: `答复后 ${m[1]} 天内未评价，自动办结`, en: `not rated within ${m[1]} days` })]],
  'remove-contact': [
    [/^contact details removed (\d+) days after the item ended$/, (m) => ({ zh: `事项结束 ${m[1]} 天后删除了联系方式`, en: `contact details removed ${m[1]} days after the item ended` })],
  ],
};

/** A history entry's note as the page shows it; `group` names a group by its id. */
export const historyNote = (action: string, note: string, group: (id: string) => string = (id) => id): string => {
  for (const [pattern, say] of notes[action] ?? []) {
    const m = pattern.exec(note);
    if (m) return say(m, group)[getLang()];
  }
  return note;
};

/** The actions whose notes the server writes (the unit test checks each of the server's notes is read). */
export const machineNoteActions = Object.keys(notes);
