import { GetCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DbDeps } from '../deps';
import { ConflictError } from '../domain/errors';
import type { Kind } from '../schemas/directory';
import { queryAll } from './db';
import { answersRevisionKey, publishedAnswerKey, publishedAnswerSkBounds, publishedAnswersPartition } from './keys';
import type { Admission } from './room';

/**
 * The published answers (答复公开) as everyone may read them: the office's rewrite and nothing of
 * the item it came from (no tracking code, body, contact, notes or names). One partition with the
 * set's revision (shared/data/keys.ts says why); written only together with the item's change, in
 * its transaction (ItemChange.alongside), so the item's `publication` and the public copy never
 * disagree.
 */
export interface PublishedAnswer {
  readonly id: string;
  readonly kind: Kind;
  readonly title: string;
  readonly question: string;
  readonly answer: string;
  readonly publishedAt: string;
}

/**
 * The most answers published at once. It bounds what a public function holds and rebuilds (the
 * whole set in memory: shared/services/public-answers.ts): at ~1 KB of UTF-8 each, its 3,000
 * answers (a test ties the figure to this constant) are ~3 MB, read in ~3 Query pages (~750 RCU,
 * consistent) and indexed in about two seconds (measured: shared/domain/answer-similarity.ts).
 */
export const maxPublishedAnswers = 3000;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export class PublicationLimitError extends ConflictError {
  constructor() {
    super(`As many answers are published as may be (${maxPublishedAnswers}); withdraw one first.`);
  }
}

/**
 * Puts the public copy and bumps the revision; a first publication also counts one more answer,
 * refused at `maxPublishedAnswers` (the revision row's condition). Cost: 2 transactional writes
 * (2 WCU per KB each) beside the item's.
 */
export const publishAnswerEntries = ({ db }: DbDeps, answer: PublishedAnswer, first: boolean): Admission => {
  const entries: TransactItem[] = [
    { Put: { TableName: db.tableName, Item: { ...publishedAnswerKey(answer.id), entity: 'published-answer', ...answer } } },
    {
      Update: {
        TableName: db.tableName,
        Key: answersRevisionKey,
        UpdateExpression: 'ADD revision :one, #count :added',
        ...(first ? { ConditionExpression: 'attribute_not_exists(#count) OR #count < :max' } : {}),
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':added': first ? 1 : 0, ...(first ? { ':max': maxPublishedAnswers } : {}) },
      },
    },
  ];
  return { entries, refusal: (reasons) => (reasons[1]?.Code === 'ConditionalCheckFailed' ? new PublicationLimitError() : null) };
};

/** Deletes the public copy and bumps the revision, one answer fewer. Cost: 2 transactional writes. */
export const withdrawAnswerEntries = ({ db }: DbDeps, publicId: string): Admission => ({
  entries: [
    { Delete: { TableName: db.tableName, Key: publishedAnswerKey(publicId) } },
    {
      Update: {
        TableName: db.tableName,
        Key: answersRevisionKey,
        UpdateExpression: 'ADD revision :one, #count :less',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':less': -1 },
      },
    },
  ],
  refusal: () => null,
});

/** The set's revision (0 before anything was published). Cost: 1 consistent read of a row under 1 KB: 1 RCU. */
export const readAnswersRevision = async ({ db }: DbDeps): Promise<number> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: answersRevisionKey, ConsistentRead: true }));
  return typeof Item?.revision === 'number' ? Item.revision : 0;
};

/**
 * Every published answer: one consistent Query on the partition, page after page (1 MB each).
 * Cost: consistent, 1 RCU per 4 KB returned; at `maxPublishedAnswers` of ~1 KB, ~750 RCU in ~3
 * pages. Read only when the revision moved (shared/services/public-answers.ts).
 */
export const readPublishedAnswers = async ({ db }: DbDeps): Promise<PublishedAnswer[]> => {
  const rows = await queryAll(db, {
    TableName: db.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': publishedAnswersPartition, ':prefix': publishedAnswerSkBounds.prefix },
    ConsistentRead: true,
  });
  return rows.map((row) => ({
    id: String(row.id),
    kind: row.kind as Kind,
    title: String(row.title),
    question: String(row.question),
    answer: String(row.answer),
    publishedAt: String(row.publishedAt),
  }));
};
