import { describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { findUnit, routeItem } from '../../shared/domain/routing';
import type { Directory } from '../../shared/schemas/directory';

const units: Directory['units'] = [
  { id: 'a', name: '区财政局', system: '党政机关', groupId: 'g1' },
  { id: 'b', name: '区城投集团', system: '国有企业', groupId: 'g2' },
  { id: 'c', name: '区第一中学', system: '教育系统', groupId: 'g2' },
];

const dir = (rules: Directory['rules']) => ({ units, rules });

describe('routeItem', () => {
  it('falls back to the unit group when no rule matches', () => {
    expect(routeItem(dir([]), { kind: 'question', unitId: 'a' })).toEqual({ groupId: 'g1', ruleIndex: null });
    expect(routeItem(dir([{ when: { kind: 'problem' }, groupId: 'g9' }]), { kind: 'question', unitId: 'b' })).toEqual({
      groupId: 'g2',
      ruleIndex: null,
    });
  });

  it('sends an item without a unit (or an unknown unit) to the office queue', () => {
    expect(routeItem(dir([]), { kind: 'question' })).toBeNull();
    expect(routeItem(dir([]), { kind: 'question', unitId: null })).toBeNull();
    expect(routeItem(dir([]), { kind: 'question', unitId: 'nope' })).toBeNull();
  });

  it('the first matching rule wins', () => {
    const rules: Directory['rules'] = [
      { when: { kind: 'problem', unitId: 'b' }, groupId: 'g7' },
      { when: { kind: 'problem', system: '国有企业' }, groupId: 'g5' },
      { when: { kind: 'problem' }, groupId: 'g4' },
    ];
    expect(routeItem(dir(rules), { kind: 'problem', unitId: 'b' })).toEqual({ groupId: 'g7', ruleIndex: 0 });
    expect(routeItem(dir([rules[1], rules[0], rules[2]]), { kind: 'problem', unitId: 'b' })).toEqual({
      groupId: 'g5',
      ruleIndex: 0,
    });
    expect(routeItem(dir(rules), { kind: 'problem', unitId: 'a' })).toEqual({ groupId: 'g4', ruleIndex: 2 });
    expect(routeItem(dir(rules), { kind: 'problem' })).toEqual({ groupId: 'g4', ruleIndex: 2 });
    expect(routeItem(dir(rules), { kind: 'question', unitId: 'b' })).toEqual({ groupId: 'g2', ruleIndex: null });
  });

  it('every field of when must match', () => {
    const rules: Directory['rules'] = [{ when: { kind: 'practice', system: '教育系统' }, groupId: 'g3' }];
    expect(routeItem(dir(rules), { kind: 'practice', unitId: 'c' })?.groupId).toBe('g3');
    expect(routeItem(dir(rules), { kind: 'problem', unitId: 'c' })?.groupId).toBe('g2');
    expect(routeItem(dir(rules), { kind: 'practice', unitId: 'b' })?.groupId).toBe('g2');
  });

  it('a rule with a system or a unit never matches an item without a unit', () => {
    expect(routeItem(dir([{ when: { system: '党政机关' }, groupId: 'g9' }]), { kind: 'problem' })).toBeNull();
    expect(routeItem(dir([{ when: { unitId: 'a' }, groupId: 'g9' }]), { kind: 'problem' })).toBeNull();
    expect(routeItem(dir([{ when: { unitId: 'a' }, groupId: 'g9' }]), { kind: 'problem', unitId: 'a' })?.groupId).toBe(
      'g9',
    );
  });

  it('an empty when matches everything, with or without a unit', () => {
    const rules: Directory['rules'] = [{ when: {}, groupId: 'g0' }];
    expect(routeItem(dir(rules), { kind: 'feedback' })).toEqual({ groupId: 'g0', ruleIndex: 0 });
    expect(routeItem(dir(rules), { kind: 'problem', unitId: 'a' })).toEqual({ groupId: 'g0', ruleIndex: 0 });
  });

  it('routes the demo directory as its rules say', () => {
    expect(routeItem(demoDirectory, { kind: 'problem', unitId: 'u48' })?.groupId).toBe('g2'); // unit rule
    expect(routeItem(demoDirectory, { kind: 'question', unitId: 'u48' })?.groupId).toBe('g5'); // own group
    expect(routeItem(demoDirectory, { kind: 'problem', unitId: 'u64' })?.groupId).toBe('g3'); // 卫生系统 problem
    expect(routeItem(demoDirectory, { kind: 'suggestion', unitId: 'u64' })?.groupId).toBe('g4');
    expect(routeItem(demoDirectory, { kind: 'feedback' })).toBeNull();
  });

  it('findUnit looks units up by id', () => {
    expect(findUnit({ units }, 'c')?.name).toBe('区第一中学');
    expect(findUnit({ units }, 'zz')).toBeUndefined();
    expect(findUnit({ units }, undefined)).toBeUndefined();
  });
});
