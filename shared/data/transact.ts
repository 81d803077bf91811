import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { transactionConflict, withRetry, type RetryPolicy } from './retry';
import type { DbDeps } from '../deps';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * One TransactWriteItems. A transaction cancelled only because another transaction touched one of
 * its items at the same moment, or because DynamoDB throttled one of them (the client does not
 * retry a cancellation: it is an answer, not a fault), is tried again under the
 * `transactionConflict` policy (shared/data/retry.ts), or the caller's own: its conditions are
 * evaluated afresh, so a retry can never apply a stale change. Any other cancellation (a failed
 * condition) is the caller's to interpret.
 */
export const transactWrite = ({ db }: DbDeps, items: TransactItems, policy: RetryPolicy = transactionConflict): Promise<void> =>
  withRetry(policy, async () => {
    // The SDK's own retries of this request reuse the token: DynamoDB then applies it at most once.
    await db.client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
  });
