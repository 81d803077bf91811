/**
 * The attachments bucket (API.md v2, "Attachments"): private, encrypted, TLS only, its server
 * access logs beside the site's. Uploads land under `uploads/` through presigned POSTs from the
 * site's pages (CORS for that origin only) and are removed after a day when nobody attached them;
 * the checked, re-encoded copies live under `items/<trackingCode>/` and are read only through
 * signed URLs of a few minutes (shared/storage/object-keys.ts). Kept when the stack is deleted:
 * the files are evidence of the office's work.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { uploadPrefix } from '../shared/storage/object-keys';

/** An upload never attached is removed after this many days (the attachment id lives as long: shared/services/attachments.ts). */
export const uploadExpirationDays = 1;

export interface AttachmentsBucketProps {
  /** The site's origin (`https://…`), the only one whose pages may post uploads and fetch files. */
  readonly siteOrigin: string;
  /** Where the server access logs go (the site's log bucket). */
  readonly logBucket: IBucket;
}

export function createAttachmentsBucket(scope: Construct, props: AttachmentsBucketProps): Bucket {
  return new Bucket(scope, 'Attachments', {
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
