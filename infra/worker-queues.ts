/**
 * The plumbing notify and tally (stream readers) and notify and sweep (failure queues) share:
 * a worker's failure queue, and the event source mapping a DynamoEventSource makes.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { YijianFunction } from './yijian-function';

/** Failure records stay this long: the SQS maximum, time enough to look into them. */
const failureRetention = Duration.days(14);

/** Queue `id` in `scope` (the workers): where a worker's failures wait, under an alarm, for people. */
export function createFailureQueue(scope: Construct, id: string, role: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: failureRetention,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      `This queue is itself a dead-letter queue (the ${role}): it collects failures for ` +
      'people to inspect under an alarm, has no consumer, and a DLQ behind it would never receive anything.',
  });
  return queue;
}

/** The event source mapping a DynamoEventSource made on a worker's function. */
export const mappingOf = (worker: YijianFunction): EventSourceMapping =>
  worker.function.node.children.find((child): child is EventSourceMapping => child instanceof EventSourceMapping)!;

/**
 * A stream event source grants dynamodb:ListStreams on "*" besides the stream reads on the stream
 * ARN; acknowledged on the policy that holds it, next to the X-Ray statement.
 */
export const acknowledgeListStreams = (worker: YijianFunction): void => {
  Validations.of(worker.role.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'DynamoDB stream event source: Lambda requires dynamodb:ListStreams, which supports no ' +
      'resource-level permissions (Resource "*"); it lists stream ARNs only. The stream reads ' +
      '(DescribeStream, GetRecords, GetShardIterator) are on this table\'s stream ARN.',
  });
};

/** Retries of a stream mapping: Infinity (shared/workers.ts) is CloudFormation's -1. */
export const streamRetryAttempts = (maxRetries: number): number => (maxRetries === Infinity ? -1 : maxRetries);
