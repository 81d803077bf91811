import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { intercept } from './middleware';

/**
 * Capacity metering for tests and benchmarks, as SDK middleware on the client they build or get
 * from the local stack: while `measuring` is on, every request asks for ReturnConsumedCapacity and
 * the units DynamoDB reports are added up. Never added to a deployed client. Requests that
 * `isBackground()` says belong to background work (the local stack's stream workers, which run in
 * the same process as the handlers) are added up apart, in `background`.
 */
export interface CapacityMeter {
  measuring: boolean;
  read: number;
  write: number;
  /** read + write. */
  readonly total: number;
  background: { read: number; write: number };
  isBackground: () => boolean;
  reset(): void;
}

type Consumed = { CapacityUnits?: number };

const readOperations = new Set(['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems', 'Scan']);

export const meterCapacity = (client: DynamoDBDocumentClient): CapacityMeter => {
  const meter: CapacityMeter = {
    measuring: false,
    read: 0,
    write: 0,
    get total() {
      return this.read + this.write;
    },
    background: { read: 0, write: 0 },
    isBackground: () => false,
    reset() {
      this.read = 0;
      this.write = 0;
      this.background = { read: 0, write: 0 };
    },
  };
  const addConsumed = (operation: string, consumed: Consumed | Consumed[] | undefined) => {
    const kind = readOperations.has(operation) ? 'read' : 'write';
    const into = meter.isBackground() ? meter.background : meter;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) into[kind] += c.CapacityUnits ?? 0;
  };
  intercept(
    client,
    async (operation, input, next) => {
      if (!meter.measuring) return next(input);
      const output = await next({ ReturnConsumedCapacity: 'TOTAL', ...input });
      addConsumed(operation, output.ConsumedCapacity as Consumed | Consumed[] | undefined);
      return output;
    },
    'yijianCapacityMeter',
  );
  return meter;
};
