import { demoDirectory } from '../../shared/demo/directory';

/** The staff the HTTP tests sign in as (with the local issuer), around two groups of the demo directory. */

/** The item's group and another group. */
export const OWN = 'g1';
export const OTHER = 'g2';
/** A unit covered by OWN; `question` and `practice` items from it stay with OWN (each test file checks it in beforeAll). */
export const ownUnit = demoDirectory.units.find((u) => u.groupId === OWN && u.system === '党政机关')!;

export const people = {
  office: { sub: 'office-1', name: '办公室 王', groups: ['office'] },
  leader: { sub: 'leader-1', name: '领导 赵', groups: ['leader'] },
  own: { sub: 'responder-g1', name: '一组 孙', groups: [`group:${OWN}`] },
  other: { sub: 'responder-g2', name: '二组 周', groups: [`group:${OTHER}`] },
} as const;
export type Person = keyof typeof people;
