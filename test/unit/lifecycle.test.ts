import { describe, expect, it } from 'vitest';
import { isOpen, nextStatus, openStatuses, ratingAction, transitionTable, type Action } from '../../shared/domain/lifecycle';
import { statusSchema, type Status } from '../../shared/schemas/submission';

/**
 * The expected state machine, written out by hand from docs (API.md), one row per action and one
 * column per status: the status after the action, or null where the action is refused (409).
 * Columns: submitted, assigned, in_progress, answered, closed, reopened, rejected, merged.
 */
const statuses: Status[] = ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'];
const _ = null;

const expected: Record<Action, (Status | null)[]> = {
  //                 submitted     assigned      in_progress   answered      closed        reopened      rejected    merged
  // assign: "From submitted, assigned, in_progress or reopened. Sets assigned."
  assign: /*      */ ['assigned', 'assigned', 'assigned', _, _, 'assigned', _, _],
  // A public reply "sets answered (from any open status)"; a further public reply on an answered
  // item keeps it answered (the table's stated choice); closed, rejected and merged items take none.
  reply: /*       */ ['answered', 'answered', 'answered', 'answered', _, 'answered', _, _],
  // "an internal note changes no status": allowed everywhere, status kept.
  note: /*        */ ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'],
  // start: assigned|reopened -> in_progress
  start: /*       */ [_, 'in_progress', _, _, _, 'in_progress', _, _],
  // close: answered -> closed
  close: /*       */ [_, _, _, 'closed', _, _, _, _],
  // reject / merge: open -> rejected / merged
  reject: /*      */ ['rejected', 'rejected', 'rejected', _, _, 'rejected', _, _],
  merge: /*       */ ['merged', 'merged', 'merged', _, _, 'merged', _, _],
  // recommend / unrecommend: "any status", a flag only.
  recommend: /*   */ ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'],
  unrecommend: /* */ ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'],
  // follow-up: "Allowed unless rejected/merged; on answered/closed it sets reopened."
  'follow-up': /* */ ['submitted', 'assigned', 'in_progress', 'reopened', 'reopened', 'reopened', _, _],
  // rating: "Only when answered. satisfied/basically close the item; unsatisfied reopens it."
  'rate-satisfied': [_, _, _, 'closed', _, _, _, _],
  'rate-unsatisfied': [_, _, _, 'reopened', _, _, _, _],
  // a merged duplicate's submitter rates its target's answer: the duplicate stays merged.
  'rate-merged': /**/ [_, _, _, _, _, _, _, 'merged'],
  // auto-close (an answered item nobody rated): answered -> closed only.
  'auto-close': /**/ [_, _, _, 'closed', _, _, _, _],
  // a deadline extension (request or decision): while the item is open, status kept.
  extension: /*   */ ['submitted', 'assigned', 'in_progress', _, _, 'reopened', _, _],
  // publishing a rewrite needs the item's answer (answered or closed: docs/api.md); status kept.
  publish: /*     */ [_, _, _, 'answered', 'closed', _, _, _],
  // a withdrawal is always possible (a published item may have been reopened since); status kept.
  withdraw: /*    */ ['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged'],
};

describe('the transition table', () => {
  it('knows every status of the schema, in this order', () => {
    expect(statusSchema.options).toEqual(statuses);
  });

  it('has exactly the actions this test expects (a new action needs a row here)', () => {
    expect(Object.keys(transitionTable).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [action, row] of Object.entries(expected) as [Action, (Status | null)[]][]) {
    it(`${action}: ${statuses.map((s, i) => `${s}→${row[i] ?? '409'}`).join(', ')}`, () => {
      expect(row).toHaveLength(statuses.length);
      const actual = Object.fromEntries(statuses.map((s) => [s, nextStatus(s, action)]));
      const wanted = Object.fromEntries(statuses.map((s, i) => [s, row[i]]));
      expect(actual).toEqual(wanted);
    });
  }

  it('never leads into submitted, and nothing leaves merged except notes and flags', () => {
    for (const action of Object.keys(expected) as Action[]) {
      for (const from of statuses) {
        const to = nextStatus(from, action);
        if (from !== 'submitted') expect(to, `${from} --${action}-->`).not.toBe('submitted');
        if (from === 'merged' || from === 'rejected') expect([null, from], `${from} --${action}-->`).toContain(to);
      }
    }
  });
});

describe('helpers', () => {
  it('open statuses are submitted, assigned, in_progress and reopened', () => {
    expect([...openStatuses].sort()).toEqual(['assigned', 'in_progress', 'reopened', 'submitted']);
    expect(statuses.filter(isOpen)).toEqual(['submitted', 'assigned', 'in_progress', 'reopened']);
  });

  it('maps satisfaction to the rating action', () => {
    expect(ratingAction('satisfied')).toBe('rate-satisfied');
    expect(ratingAction('basically')).toBe('rate-satisfied');
    expect(ratingAction('unsatisfied')).toBe('rate-unsatisfied');
    expect(ratingAction('unsatisfied', 'merged')).toBe('rate-merged');
    expect(ratingAction('satisfied', 'answered')).toBe('rate-satisfied');
    expect(nextStatus('answered', ratingAction('basically'))).toBe('closed');
  });
});
