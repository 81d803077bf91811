import { describe, expect, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { currentPhase } from '../../shared/domain/phase';
import type { Directory } from '../../shared/schemas/directory';

const campaign = (phases: Directory['campaign']['phases'], timezone = 'Asia/Shanghai') => ({
  campaign: { id: 'c', name: 'c', timezone, phases },
});

const three = campaign([
  { id: 'study', name: '学习动员', startsOn: '2026-11-16' },
  { id: 'review', name: '分析评议', startsOn: '2027-03-01' },
  { id: 'rectify', name: '整改提高', startsOn: '2027-06-01' },
]);

const phaseAt = (iso: string, d = three) => currentPhase(d, new Date(iso)).id;

describe('currentPhase', () => {
  it('is the first phase before the campaign starts', () => {
    expect(phaseAt('2026-01-01T00:00:00Z')).toBe('study');
  });

  it('changes at local midnight of startsOn in the campaign time zone', () => {
    // 2027-03-01 00:00 +08 = 2027-02-28T16:00Z.
    expect(phaseAt('2027-02-28T15:59:59.999Z')).toBe('study');
    expect(phaseAt('2027-02-28T16:00:00.000Z')).toBe('review');
    expect(phaseAt('2027-05-31T15:59:59.999Z')).toBe('review');
    expect(phaseAt('2027-05-31T16:00:00.000Z')).toBe('rectify');
    expect(phaseAt('2030-01-01T00:00:00Z')).toBe('rectify');
  });

  it('uses the campaign time zone, not UTC', () => {
    const utc = { campaign: { ...three.campaign, timezone: 'UTC' } };
    expect(phaseAt('2027-02-28T16:00:00.000Z', utc)).toBe('study');
    expect(phaseAt('2027-03-01T00:00:00.000Z', utc)).toBe('review');
  });

  it('does not depend on the order of the list', () => {
    const shuffled = campaign([three.campaign.phases[2], three.campaign.phases[0], three.campaign.phases[1]]);
    expect(phaseAt('2026-01-01T00:00:00Z', shuffled)).toBe('study');
    expect(phaseAt('2027-04-01T00:00:00Z', shuffled)).toBe('review');
    expect(phaseAt('2027-07-01T00:00:00Z', shuffled)).toBe('rectify');
  });

  it('puts "today" (2026-11-27) of the demo directory in the study phase', () => {
    expect(currentPhase(demoDirectory, new Date('2026-11-27T09:30:00Z')).name).toBe('学习动员');
  });

  it('refuses a campaign without phases', () => {
    expect(() => currentPhase(campaign([]), new Date())).toThrow();
  });
});
