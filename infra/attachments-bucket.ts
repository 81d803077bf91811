/**
 * The attachments bucket (API.md v2, "Attachments"): private, encrypted, TLS only, its server
 * access logs beside the site's. Uploads land under `uploads/` through presigned POSTs from the
 * site's pages (CORS for that origin only) and are removed after `uploadExpirationDays` when nobody
 * attached them; the checked, re-encoded copies live under `items/<trackingCode>/` and are read
 * only through short-lived signed URLs (`maxDownloadUrlSeconds`; shared/storage/object-keys.ts).
 * Kept when the stack is deleted: the files are evidence of the office's work.
 */
import { Aws, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { uploadPrefix } from '../shared/storage/object-keys';

/** An upload never attached is removed after this many days (the attachment id lives as long, `uploadLifetimeSeconds` in shared/services/attachments.ts: a test ties them). */
export const uploadExpirationDays = 1;

/**
 * The bucket's name, chosen here rather than generated: the site's CSP must name the bucket's
 * origin, and the bucket's CORS names the site's, so a generated name (known only once the bucket
 * exists) would make the two depend on each other. Account, region and a hash of the stack's path
 * keep it globally unique; it is kept when the stack is deleted (a stack made again with the same
 * name in the same account and region then needs the old bucket emptied and removed first).
 */
export const attachmentsBucketName = (stack: Stack): string =>
  `yijian-att-${Aws.ACCOUNT_ID}-${Aws.REGION}-${Names.uniqueId(stack).slice(-8).toLowerCase()}`;

/** Where the SDK sends presigned POSTs and signed GETs for the bucket (virtual-hosted, regional). */
export const attachmentsOrigin = (stack: Stack): string => `https://${attachmentsBucketName(stack)}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;

export interface AttachmentsBucketProps {
  /** The site's origin (`https://…`), the only one whose pages may post uploads and fetch files. */
  readonly siteOrigin: string;
  /** Where the server access logs go (the site's log bucket). */
  readonly logBucket: IBucket;
}

export function createAttachmentsBucket(scope: Construct, props: AttachmentsBucketProps): Bucket {
  return new Bucket(scope, 'Attachments', {
    bucketName: attachmentsBucketName(Stack.of(scope)),
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    lifecycleRules: [
      { id: 'uploads-never-attached', prefix: uploadPrefix, expiration: Duration.days(uploadExpirationDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    cors: [
      {
        allowedOrigins: [props.siteOrigin],
        allowedMethods: [HttpMethods.POST, HttpMethods.GET],
        allowedHeaders: ['*'],
        maxAge: 600,
      },
    ],
    serverAccessLogsBucket: props.logBucket,
    serverAccessLogsPrefix: 'attachments/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
