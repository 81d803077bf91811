/**
 * The site's two buckets: the private bucket of the pages, and the bucket of its server access
 * logs. Both are kept when the stack is deleted: the pages can be deployed again, a log cannot.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface SiteBuckets {
  /** The pages (`Pages`), read by CloudFront only. */
  readonly bucket: Bucket;
  /** The pages bucket's server access logs (`AccessLogs`). */
  readonly logBucket: Bucket;
}

/** `AccessLogs`, then `Pages`, in `scope` (the site). */
export function createSiteBuckets(scope: Construct): SiteBuckets {
  // The S3 server access logs of the site bucket: who changed the pages, and when (the console's
  // scripts handle staff tokens, so a changed script matters). Log delivery needs SSE-S3.
  const logBucket = new Bucket(scope, 'AccessLogs', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    lifecycleRules: [{ expiration: Duration.days(365) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(logBucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'This bucket receives the server access logs of the site bucket. Logging it into itself ' +
      'would log every log delivery, and another bucket for it would only move the question.',
  });

  // Private: CloudFront reads it through origin access control, the deployment writes it.
  // Versioned, so a bad deployment can be rolled back object by object; kept on stack deletion.
  const bucket = new Bucket(scope, 'Pages', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    // Hashed assets of older builds are never pruned (infra/site-pages.ts); replaced and pruned versions go.
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    serverAccessLogsBucket: logBucket,
    serverAccessLogsPrefix: 'pages/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { bucket, logBucket };
}
