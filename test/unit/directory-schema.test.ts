import { describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { directorySchema, escalationOf, kindIds, kinds, kindSchema, minCountOf, responseWorkingDaysOf, type Directory } from '../../shared/schemas/directory';

const clone = (): Directory => structuredClone(demoDirectory);

/** Issues as 'path: message' keys, e.g. 'units.12.groupId'. */
const problems = (doc: unknown) => {
  const result = directorySchema.safeParse(doc);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
};
const paths = (doc: unknown) => problems(doc).map((p) => p.path);

describe('kinds', () => {
  it('has the five kinds with Chinese and English names', () => {
    expect(kindIds).toEqual(['feedback', 'question', 'suggestion', 'problem', 'practice']);
    expect(kinds.map((k) => k.id)).toEqual([...kindIds]);
    expect(Object.fromEntries(kinds.map((k) => [k.id, k.name]))).toEqual({
      feedback: '培训反馈',
      question: '疑问',
      suggestion: '意见建议',
      problem: '问题反映',
      practice: '经验做法',
    });
    for (const k of kinds) {
      expect(k.nameEn).not.toBe('');
      expect(k.description).not.toBe('');
      expect(k.descriptionEn).not.toBe('');
    }
    expect(kindSchema.safeParse('problem').success).toBe(true);
    expect(kindSchema.safeParse('complaint').success).toBe(false);
  });
});

describe('the demo directory', () => {
  it('validates', () => {
    const result = directorySchema.safeParse(demoDirectory);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data).toEqual(demoDirectory);
  });

  it('has 68 units in five groups of 13 or 14', () => {
    expect(demoDirectory.units).toHaveLength(68);
    expect(demoDirectory.groups.map((g) => g.id)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
    for (const g of demoDirectory.groups) {
      const n = demoDirectory.units.filter((u) => u.groupId === g.id).length;
      expect([13, 14]).toContain(n);
    }
    expect(new Set(demoDirectory.units.map((u) => u.id)).size).toBe(68);
  });
});

describe('directorySchema', () => {
  it('reports every problem of a broken document at once, each with its path', () => {
    const doc = clone() as any;
    doc.groups.push({ id: 'g3', name: '第六督导组', notifyEmails: [] }); // duplicate group id
    doc.units[5].id = 'u01'; // duplicate unit id
    doc.units[12].groupId = 'g9'; // unknown group
    doc.rules[0].when.unitId = 'u99'; // unknown unit
    doc.rules[1].groupId = 'g8'; // unknown group in a rule
    doc.rules[2].when.system = '外星系统'; // no such system
    doc.holidays[3] = '2027-02-30'; // not a date
    doc.sla.problem = 0; // below 1
    doc.units[20].colour = 'red'; // unknown key
    doc.campaign.phases[2].startsOn = '2027-02-01'; // out of order
    doc.campaign.timezone = 'Asia/Peking'; // not a zone

    const found = problems(doc);
    const got = found.map((p) => p.path).sort();
    expect(got).toEqual(
      [
        'groups.5.id',
        'units.5.id',
        'units.12.groupId',
        'rules.0.when.unitId',
        'rules.1.groupId',
        'rules.2.when.system',
        'holidays.3',
        'sla.problem',
        'units.20',
        'campaign.phases.2.startsOn',
        'campaign.timezone',
      ].sort(),
    );
    expect(found.find((p) => p.path === 'units.20')?.code).toBe('unrecognized_keys');
    expect(found.find((p) => p.path === 'groups.5.id')?.message).toMatch(/duplicate group id "g3"/);
    expect(found.find((p) => p.path === 'units.12.groupId')?.message).toMatch(/unknown group "g9"/);
    expect(found.find((p) => p.path === 'rules.0.when.unitId')?.message).toMatch(/unknown unit "u99"/);
  });

  it('still checks references when a field has the wrong type', () => {
    const doc = clone() as any;
    doc.units[0].name = 42;
    doc.units[1].groupId = 'nope';
    expect(paths(doc).sort()).toEqual(['units.0.name', 'units.1.groupId']);
  });

  it('requires an SLA for every kind, a positive whole number up to the maximum', () => {
    const missing = clone() as any;
    delete missing.sla.practice;
    expect(paths(missing)).toEqual(['sla.practice']);
    for (const bad of [0, -1, 2.5, 61, '5']) {
      const doc = clone() as any;
      doc.sla.question = bad;
      expect(paths(doc), String(bad)).toEqual(['sla.question']);
    }
    const extra = clone() as any;
    extra.sla.complaint = 5;
    expect(problems(extra).map((p) => p.code)).toEqual(['unrecognized_keys']);
  });

  it('needs at least one phase, unique phase ids, real dates in ascending order', () => {
    const none = clone() as any;
    none.campaign.phases = [];
    expect(paths(none)).toEqual(['campaign.phases']);

    const dup = clone() as any;
    dup.campaign.phases[1].id = 'study';
    expect(paths(dup)).toEqual(['campaign.phases.1.id']);

    const same = clone() as any;
    same.campaign.phases[1].startsOn = same.campaign.phases[0].startsOn;
    expect(paths(same)).toEqual(['campaign.phases.1.startsOn']);

    const badDate = clone() as any;
    badDate.campaign.phases[0].startsOn = '2026-11-31';
    expect(paths(badDate)).toEqual(['campaign.phases.0.startsOn']);
  });

  it('checks e-mail addresses, ids and names', () => {
    const doc = clone() as any;
    doc.groups[0].notifyEmails = ['not-an-address'];
    doc.units[0].id = 'has space';
    doc.units[1].name = '   ';
    expect(paths(doc).sort()).toEqual(['groups.0.notifyEmails.0', 'units.0.id', 'units.1.name']);
  });

  it('rejects unknown keys at every level', () => {
    for (const mutate of [
      (d: any) => (d.extra = 1),
      (d: any) => (d.campaign.extra = 1),
      (d: any) => (d.campaign.phases[0].extra = 1),
      (d: any) => (d.groups[0].extra = 1),
      (d: any) => (d.rules[0].extra = 1),
      (d: any) => (d.rules[0].when.extra = 1),
    ]) {
      const doc = clone() as any;
      mutate(doc);
      expect(problems(doc).map((p) => p.code)).toEqual(['unrecognized_keys']);
    }
  });

  it('rejects a rule that can never match and duplicate holidays', () => {
    const doc = clone() as any;
    doc.rules.push({ when: { unitId: 'u01', system: '国有企业' }, groupId: 'g1' });
    doc.holidays.push(doc.holidays[0]);
    expect(paths(doc)).toEqual([`rules.${doc.rules.length - 1}.when.system`, `holidays.${doc.holidays.length - 1}`]);
  });

  it('accepts an empty when, empty lists of rules, holidays and addresses', () => {
    const doc = clone();
    doc.rules = [{ when: {}, groupId: 'g1' }];
    doc.holidays = [];
    doc.groups[0].notifyEmails = [];
    expect(directorySchema.safeParse(doc).success).toBe(true);
  });

  it('takes an optional privacy.minCount, a whole number from 1 to 1000, 5 when absent', () => {
    expect(minCountOf(clone())).toBe(5);
    expect(minCountOf(directorySchema.parse({ ...clone(), privacy: { minCount: 3 } }))).toBe(3);
    for (const minCount of [0, 1001, 2.5, '5']) expect(paths({ ...clone(), privacy: { minCount } })).toEqual(['privacy.minCount']);
    expect(paths({ ...clone(), privacy: {} })).toEqual(['privacy.minCount']);
    expect(paths({ ...clone(), privacy: { minCount: 5, other: 1 } })).toEqual(['privacy']);
  });

  it('rejects what is not a directory at all', () => {
    expect(directorySchema.safeParse(null).success).toBe(false);
    expect(directorySchema.safeParse([]).success).toBe(false);
    expect(paths({}).sort()).toEqual(['campaign', 'groups', 'holidays', 'rules', 'sla', 'units']);
  });
});

describe('directorySchema: the office calendar (API.md v2)', () => {
  it('takes make-up working days on weekends, and refuses a date that is also a holiday, a weekday or a repeat', () => {
    expect(directorySchema.safeParse({ ...clone(), workdays: ['2026-02-14', '2026-01-04'] }).success).toBe(true);
    expect(paths({ ...clone(), workdays: ['2026-02-14', '2026-02-15'] })).toEqual(['workdays.1']); // 15 Feb: a holiday (and a Sunday)
    expect(problems({ ...clone(), workdays: ['2026-02-16'] }).map((p) => p.path)).toEqual(['workdays.0', 'workdays.0']); // a holiday and a Monday
    expect(paths({ ...clone(), workdays: ['2026-03-04'] })).toEqual(['workdays.0']); // a Wednesday
    expect(paths({ ...clone(), workdays: ['2026-03-07', '2026-03-07'] })).toEqual(['workdays.1']);
    expect(paths({ ...clone(), workdays: ['2026-02-30'] })).toEqual(['workdays.0']);
  });

  it('takes an optional escalation and response window, with their defaults', () => {
    const bare = clone() as any;
    delete bare.escalation;
    expect(escalationOf(bare)).toEqual({ remindBeforeWorkingDays: 1, urgeAfterWorkingDays: 3, leaderEmails: [] });
    expect(responseWorkingDaysOf(bare)).toBe(1);
    expect(escalationOf(directorySchema.parse({ ...bare, escalation: { urgeAfterWorkingDays: 5 } }))).toEqual({ remindBeforeWorkingDays: 1, urgeAfterWorkingDays: 5, leaderEmails: [] });
    expect(paths({ ...bare, escalation: { urgeAfterWorkingDays: 0 } })).toEqual(['escalation.urgeAfterWorkingDays']);
    expect(paths({ ...bare, escalation: { leaderEmails: ['nope'] } })).toEqual(['escalation.leaderEmails.0']);
    expect(paths({ ...bare, escalation: { other: 1 } })).toEqual(['escalation']);
    expect(paths({ ...bare, responseWorkingDays: 1.5 })).toEqual(['responseWorkingDays']);
  });
});
