import { TransactWriteCommand, type TransactWriteCommandInput } from '../aws/dynamodb';
import { TransactionCanceledException } from '../aws/dynamodb';
import { randomUUID } from 'node:crypto';
import { dynamo } from './client';
import { transientCancellationReasons } from './errors';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

const conflictAttempts = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * One TransactWriteItems. A transaction cancelled only because another transaction touched one of
 * its items at the same moment, or because DynamoDB throttled one of them (the client does not
 * retry a cancellation: it is an answer, not a fault), is tried again with jittered backoff: its
 * conditions are evaluated afresh, so a retry can never apply a stale change. Any other
 * cancellation (a failed condition) is the caller's to interpret.
 */
export const transactWrite = async (items: TransactItems): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      // The SDK's own retries of this request reuse the token: DynamoDB then applies it at most once.
      await dynamo.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
      return;
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code) : [];
      const onlyTransient =
        reasons.some((code) => code !== undefined && transientCancellationReasons.has(code)) &&
        reasons.every((code) => code === undefined || code === 'None' || transientCancellationReasons.has(code));
      if (!onlyTransient || attempt >= conflictAttempts) throw error;
      await sleep(Math.random() * 20 * 2 ** attempt);
    }
  }
};
