/**
 * The directory: campaign and phases, supervision groups, member units, SLAs, holidays and routing
 * rules (`GET/PUT /api/admin/directory`). The schema checks each field and then the document as a
 * whole (unique ids, references that resolve, phases in order), reporting every problem with its
 * path so that a 400 can list them all at once.
 */
import * as z from 'zod/mini';
import { schema } from './schema';
import { dayOfWeek, isIsoDate, isValidTimeZone } from '../domain/calendar';
import { checkWebhooks, webhooksSchema } from './webhook';

/** The kinds of item, in the order the form offers them. */
export const kindIds = ['feedback', 'question', 'suggestion', 'problem', 'practice'] as const;
export const kindSchema = /* @__PURE__ */ schema(() => z.enum(kindIds));
export type Kind = z.infer<typeof kindSchema>;

export interface KindInfo {
  readonly id: Kind;
  /** Chinese name, as shown on the form. */
  readonly name: string;
  readonly nameEn: string;
  /** One line telling a participant what the kind is for. */
  readonly description: string;
  readonly descriptionEn: string;
}

export const kinds: readonly KindInfo[] = [
  {
    id: 'feedback',
    name: '培训反馈',
    nameEn: 'Training feedback',
    description: '对培训内容、授课和组织安排的评价与感受，可附评分。',
    descriptionEn: 'How the training went: content, teaching, organisation; may carry a rating.',
  },
  {
    id: 'question',
    name: '疑问',
    nameEn: 'Question',
    description: '学习或工作中没有弄清楚、需要解答的问题。',
    descriptionEn: 'Something unclear in the study or the work that needs an answer.',
  },
  {
    id: 'suggestion',
    name: '意见建议',
    nameEn: 'Suggestion',
    description: '对工作改进、政策措施或活动组织的意见和建议。',
    descriptionEn: 'An opinion or proposal to improve the work, a policy or the campaign itself.',
  },
  {
    id: 'problem',
    name: '问题反映',
    nameEn: 'Problem report',
    description: '反映需要有关单位查实并整改的具体问题。',
    descriptionEn: 'A concrete problem that a unit must look into and rectify.',
  },
  {
    id: 'practice',
    name: '经验做法',
    nameEn: 'Good practice',
    description: '本单位或身边值得总结推广的好经验、好做法。',
    descriptionEn: 'A good way of working worth sharing, which may be recommended upward as an example.',
  },
];

/** The longest SLA the office may set, in working days (about three months). */
export const maxSlaWorkingDays = 60;

/** Ids appear in URLs, JWT group names (`group:<id>`) and table keys: short and ASCII. */
const idSchema = /* @__PURE__ */ schema(() => z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'id: 1 to 64 ASCII letters, digits, "-" or "_", starting with a letter or digit')));

const nameSchema = (max: number) =>
  z
    .string()
    .check(
      z.maxLength(max, `at most ${max} characters`),
      z.refine((s) => s.trim() !== '', 'must not be empty'),
      z.refine((s) => s.trim() === '' || s.trim() === s, 'no leading or trailing spaces'),
    );

const dateSchema = /* @__PURE__ */ schema(() => z.string().check(z.refine(isIsoDate, 'a real calendar date written YYYY-MM-DD')));

const timezoneSchema = /* @__PURE__ */ schema(() => z
  .string()
  .check(z.refine((tz) => /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(tz) && isValidTimeZone(tz), 'an IANA time zone such as Asia/Shanghai')));

const slaDaysSchema = /* @__PURE__ */ schema(() => z
  .number()
  .check(
    // z.int() as a check on z.number(), as classic `.int()` does: a non-number is still "expected number".
    z.int('a whole number of working days'),
    z.minimum(1, 'at least 1 working day'),
    z.maximum(maxSlaWorkingDays, `at most ${maxSlaWorkingDays} working days`),
  ));

const workingDaysSchema = (min: number, max: number) =>
  z.number().check(z.int('a whole number of working days'), z.minimum(min, `at least ${min}`), z.maximum(max, `at most ${max}`));

export const phaseSchema = /* @__PURE__ */ schema(() => z.strictObject({
  id: idSchema,
  name: nameSchema(40),
  /** The local date (campaign time zone) the phase begins. */
  startsOn: dateSchema,
}));

export const campaignSchema = /* @__PURE__ */ schema(() => z.strictObject({
  id: idSchema,
  name: nameSchema(100),
  phases: z.array(phaseSchema).check(z.minLength(1, 'at least one phase'), z.maxLength(20)),
  timezone: timezoneSchema,
}));

export const groupSchema = /* @__PURE__ */ schema(() => z.strictObject({
  id: idSchema,
  name: nameSchema(60),
  notifyEmails: z.array(z.email('an e-mail address')).check(z.maxLength(20)),
  /** Group-chat robots that get what `notifyEmails` get (API.md v2, "Group chats"; ./webhook.ts). */
  webhooks: z.optional(webhooksSchema),
}));

export const unitSchema = /* @__PURE__ */ schema(() => z.strictObject({
  id: idSchema,
  name: nameSchema(100),
  /** The system (党政机关, 街道, 国有企业 …) the unit belongs to; rules may route by it. */
  system: nameSchema(40),
  /** The supervision group that covers the unit. */
  groupId: idSchema,
  /** The unit's liaisons (整改联络员): told of a rectification plan, a return and an approaching deadline (API.md v2). */
  liaisonEmails: z.optional(z.array(z.email('an e-mail address')).check(z.maxLength(20))),
  /** The unit's group-chat robots: they get what `liaisonEmails` get (as a group's, ./webhook.ts). */
  webhooks: z.optional(webhooksSchema),
}));

export const slaSchema = /* @__PURE__ */ schema(() => z.strictObject({
  feedback: slaDaysSchema,
  question: slaDaysSchema,
  suggestion: slaDaysSchema,
  problem: slaDaysSchema,
  practice: slaDaysSchema,
} satisfies Record<Kind, typeof slaDaysSchema>));

export const ruleSchema = /* @__PURE__ */ schema(() => z.strictObject({
  /** Every field given must equal the item's; an empty `when` matches every item. */
  when: z.strictObject({
    kind: z.optional(kindSchema),
    unitId: z.optional(idSchema),
    system: z.optional(nameSchema(40)),
  }),
  groupId: idSchema,
}));

/** The escalation ladder when the directory says nothing (API.md v2, "Escalation ladder"). */
export const defaultEscalation = { remindBeforeWorkingDays: 1, urgeAfterWorkingDays: 3, leaderEmails: [] as string[] } as const;
export const escalationOf = (directory: Pick<Directory, 'escalation'>) => ({ ...defaultEscalation, ...directory.escalation });
/** The response rate's window when the directory says nothing, in working days. */
export const defaultResponseWorkingDays = 1;
export const responseWorkingDaysOf = (directory: Pick<Directory, 'responseWorkingDays'>): number => directory.responseWorkingDays ?? defaultResponseWorkingDays;

/** Small-count suppression when the directory says nothing: fewer ratings than this show no average. */
export const defaultMinCount = 5;
export const minCountOf = (directory: Pick<Directory, 'privacy'>): number => directory.privacy?.minCount ?? defaultMinCount;

type Path = (string | number)[];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Cross-field checks. It runs even when some fields already failed (so one response lists every
 * problem), hence it reads the value defensively instead of trusting the inferred type.
 */
const checkDocument = (doc: unknown, report: (path: Path, message: string) => void): void => {
  if (!isRecord(doc)) return;

  const uniqueIds = (items: unknown[], base: Path, what: string): Map<string, number> => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const id = isRecord(item) ? str(item.id) : undefined;
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) report([...base, i, 'id'], `duplicate ${what} id "${id}" (also at index ${first})`);
      else seen.set(id, i);
    });
    return seen;
  };

  // Campaign phases: unique ids, strictly ascending start dates.
  const campaign = isRecord(doc.campaign) ? doc.campaign : undefined;
  const phases = asArray(campaign?.phases);
  uniqueIds(phases, ['campaign', 'phases'], 'phase');
  let previous: string | undefined;
  phases.forEach((phase, i) => {
    const startsOn = isRecord(phase) ? phase.startsOn : undefined;
    if (!isIsoDate(startsOn)) return;
    if (previous !== undefined && startsOn <= previous) {
      report(['campaign', 'phases', i, 'startsOn'], `phases must be in order of startsOn: ${startsOn} is not after ${previous}`);
    }
    previous = startsOn;
  });

  const groups = asArray(doc.groups);
  const units = asArray(doc.units);
  groups.forEach((group, i) => checkWebhooks(isRecord(group) ? group.webhooks : undefined, ['groups', i, 'webhooks'], report));
  checkWebhooks(doc.officeWebhooks, ['officeWebhooks'], report);
  units.forEach((unit, i) => checkWebhooks(isRecord(unit) ? unit.webhooks : undefined, ['units', i, 'webhooks'], report));
  const groupIds = uniqueIds(groups, ['groups'], 'group');
  const unitIds = uniqueIds(units, ['units'], 'unit');

  const systems = new Set<string>();
  const unitSystem = new Map<string, string>();
  units.forEach((unit, i) => {
    if (!isRecord(unit)) return;
    const system = str(unit.system);
    const id = str(unit.id);
    if (system !== undefined) systems.add(system);
    if (id !== undefined && system !== undefined && !unitSystem.has(id)) unitSystem.set(id, system);
    const groupId = str(unit.groupId);
    if (groupId !== undefined && !groupIds.has(groupId)) report(['units', i, 'groupId'], `unknown group "${groupId}"`);
  });

  asArray(doc.rules).forEach((rule, i) => {
    if (!isRecord(rule)) return;
    const groupId = str(rule.groupId);
    if (groupId !== undefined && !groupIds.has(groupId)) report(['rules', i, 'groupId'], `unknown group "${groupId}"`);
    const when = isRecord(rule.when) ? rule.when : undefined;
    if (!when) return;
    const unitId = str(when.unitId);
    const system = str(when.system);
    if (unitId !== undefined && !unitIds.has(unitId)) report(['rules', i, 'when', 'unitId'], `unknown unit "${unitId}"`);
    if (system !== undefined && !systems.has(system)) {
      report(['rules', i, 'when', 'system'], `no unit belongs to system "${system}"`);
    } else if (system !== undefined && unitId !== undefined && unitSystem.has(unitId) && unitSystem.get(unitId) !== system) {
      report(['rules', i, 'when', 'system'], `rule can never match: unit "${unitId}" belongs to system "${unitSystem.get(unitId)}"`);
    }
  });

  const holidaysSeen = new Map<string, number>();
  asArray(doc.holidays).forEach((day, i) => {
    if (typeof day !== 'string') return;
    const first = holidaysSeen.get(day);
    if (first !== undefined) report(['holidays', i], `duplicate holiday ${day} (also at index ${first})`);
    else holidaysSeen.set(day, i);
  });

  // Make-up working days: each once, never also a holiday, and only on a weekend (a weekday is a
  // working day anyway: listing it is a typo for another date, refused rather than kept silently).
  const workdaysSeen = new Map<string, number>();
  asArray(doc.workdays).forEach((day, i) => {
    if (!isIsoDate(day)) return;
    const first = workdaysSeen.get(day);
    if (first !== undefined) report(['workdays', i], `duplicate workday ${day} (also at index ${first})`);
    else workdaysSeen.set(day, i);
    const holiday = holidaysSeen.get(day);
    if (holiday !== undefined) report(['workdays', i], `${day} is also a holiday (holidays index ${holiday}): a day is either a holiday or a make-up working day`);
    const dow = dayOfWeek(day);
    if (dow !== 0 && dow !== 6) report(['workdays', i], `${day} is a weekday: a make-up working day (调休) falls on a Saturday or Sunday`);
  });
};

/** The most units a directory lists (infra/liaison-groups.ts sizes its nested stacks by it). */
export const maxUnits = 2000;

export const directorySchema = /* @__PURE__ */ schema(() => z
  .strictObject({
    campaign: campaignSchema,
    groups: z.array(groupSchema).check(z.maxLength(100)),
    units: z.array(unitSchema).check(z.maxLength(maxUnits)),
    sla: slaSchema,
    holidays: z.array(dateSchema).check(z.maxLength(1000)),
    /** Make-up working days (调休) on weekends (API.md v2; default none). */
    workdays: z.optional(z.array(dateSchema).check(z.maxLength(1000))),
    /** The escalation ladder the sweeper climbs (API.md v2; defaults `defaultEscalation`, each field optional). */
    escalation: z.optional(z.strictObject({
      remindBeforeWorkingDays: z.optional(workingDaysSchema(0, 10)),
      urgeAfterWorkingDays: z.optional(workingDaysSchema(1, 30)),
      leaderEmails: z.optional(z.array(z.email('an e-mail address')).check(z.maxLength(20))),
    })),
    /** The response rate's window, in working days (API.md v2; default `defaultResponseWorkingDays`). */
    responseWorkingDays: z.optional(workingDaysSchema(1, 10)),
    rules: z.array(ruleSchema).check(z.maxLength(200)),
    /** Who hears that an item turned overdue: the campaign office. Optional (an addition to API.md). */
    officeEmails: z.optional(z.array(z.email('an e-mail address')).check(z.maxLength(20))),
    /** The office's group-chat robots: they get what `officeEmails` get (API.md v2, "Group chats"). */
    officeWebhooks: z.optional(webhooksSchema),
    /** The smallest count that may be shown per unit or per session (API.md v2; default `defaultMinCount`). */
    privacy: z.optional(z.strictObject({ minCount: z.int().check(z.minimum(1, 'at least 1'), z.maximum(1000, 'at most 1000')) })),
  })
  .check(
    z.superRefine(
      (doc, ctx) => {
        checkDocument(doc, (path, message) => ctx.addIssue({ code: 'custom', path, message, input: undefined }));
      },
      // Run even after other issues: the office should see every problem of a PUT in one answer.
      { when: () => true },
    ),
  ));

export type Directory = z.infer<typeof directorySchema>;
export type Campaign = Directory['campaign'];
export type Phase = Campaign['phases'][number];
export type Group = Directory['groups'][number];
export type Unit = Directory['units'][number];
export type RoutingRule = Directory['rules'][number];
