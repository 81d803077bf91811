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
  total: number;
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
    total: 0,
    background: { read: 0, write: 0 },
    isBackground: () => false,
    reset() {
      this.read = 0;
      this.write = 0;
      this.total = 0;
      this.background = { read: 0, write: 0 };
    },
  };
  const addConsumed = (operation: string, consumed: Consumed | Consumed[] | undefined) => {
    const isRead = readOperations.has(operation);
    const background = meter.isBackground();
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      const units = c.CapacityUnits ?? 0;
      if (background) {
        if (isRead) meter.background.read += units;
        else meter.background.write += units;
        continue;
      }
      meter.total += units;
      if (isRead) meter.read += units;
      else meter.write += units;
    }
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
