import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { itemPk, itemSk } from '../../shared/data/keys';
import { recordDelta } from '../../shared/services/tally';
import { PoisonRecord, readStreamImage } from '../../shared/services/stream-records';

const item = { pk: itemPk('YJ-AAAA-BBBB'), sk: itemSk, phase: 'study', kind: 'question', status: 'submitted', createdAt: '2026-12-01T00:00:00.000Z' };
const record = (image: Record<string, unknown>): DynamoDBRecord => ({ eventID: 'e1', dynamodb: { SequenceNumber: '1', NewImage: image as never } });

describe('a stream image', () => {
  it('is read attribute by attribute: an untyped empty map (DynamoDB Local 3.x) is left out, the rest kept', () => {
    const image = { ...marshall(item), contact: {} };
    expect(readStreamImage(image)).toEqual(item);
    expect(recordDelta(record(image))).toEqual({ before: null, after: item });
  });

  it('of an item whose counted attributes do not parse is a PoisonRecord naming paths and codes, never values', () => {
    const bad = marshall({ ...item, status: 'secret-value', phase: 7 });
    const thrown = (() => {
      try {
        recordDelta(record(bad));
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(PoisonRecord);
    expect((thrown as PoisonRecord).reason).toBe('NewImage does not parse (phase: invalid_type, status: invalid_value)');
  });

  it('of anything but an item counts nothing and is never poison', () => {
    expect(recordDelta(record(marshall({ pk: 'COUNTERS', sk: '#LAYOUT', slots: 'not a list' })))).toBeNull();
  });
});
