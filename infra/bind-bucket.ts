/**
 * bindBucket: tell a function which attachments bucket to use (ATTACHMENTS_BUCKET) and grant it
 * exactly the S3 actions its route declares (shared/routes.ts `bucket`), each on one key prefix
 * (shared/storage/object-keys.ts), in one call, as bindTable does for the table:
 *   presign   s3:PutObject on uploads/*: a presigned POST is signed with the function's own
 *             credentials, so the upload is allowed only if the function could make it itself;
 *             its policy then narrows it to one key, one type and one size.
 *   attach    s3:GetObject and s3:DeleteObject on uploads/* (read the upload, remove it once
 *             attached), s3:PutObject and s3:DeleteObject on items/* (store the clean copy, remove
 *             it again when the write that names it failed).
 *   download  s3:GetObject on items/*: the signed download URL is the function's read.
 * No function may list the bucket, read an upload it did not attach through, or touch another prefix.
 *
 * Written out instead of bucket.grantRead/grantPut, which grant on the whole bucket (`/*`) and add
 * actions (s3:GetBucket*, s3:List*, s3:Abort*) no function needs.
 */
import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { RouteDef } from '../shared/routes';
import { itemObjectPrefix, uploadPrefix } from '../shared/storage/object-keys';
import type { YijianFunction } from './yijian-function';

export type BucketUse = NonNullable<RouteDef['bucket']>[number];

/** The actions per prefix of each use: the test checks the template against this. */
export const bucketGrants: Readonly<Record<BucketUse, readonly { readonly prefix: string; readonly actions: readonly string[] }[]>> = {
  presign: [{ prefix: uploadPrefix, actions: ['s3:PutObject'] }],
  attach: [
    { prefix: uploadPrefix, actions: ['s3:GetObject', 's3:DeleteObject'] },
    { prefix: itemObjectPrefix, actions: ['s3:PutObject', 's3:DeleteObject'] },
  ],
  download: [{ prefix: itemObjectPrefix, actions: ['s3:GetObject'] }],
};

export function bindBucket(fn: YijianFunction, bucket: IBucket, uses: readonly BucketUse[]): void {
  if (uses.length === 0) return;
  fn.addEnvironment('ATTACHMENTS_BUCKET', bucket.bucketName);
  const byPrefix = new Map<string, Set<string>>();
  for (const use of uses) {
    for (const { prefix, actions } of bucketGrants[use]) {
      const set = byPrefix.get(prefix) ?? new Set<string>();
      actions.forEach((a) => set.add(a));
      byPrefix.set(prefix, set);
    }
  }
  for (const [prefix, actions] of [...byPrefix].sort(([a], [b]) => a.localeCompare(b))) {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ sid: `Attachments${prefix.replace(/\W/g, '')}`, actions: [...actions].sort(), resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
  }
  const policy = fn.role.node.tryFindChild('DefaultPolicy');
  if (policy !== undefined) {
    for (const prefix of byPrefix.keys()) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalIdToken(bucket)}.Arn>/${prefix}*]`,
        reason: `Object keys under ${prefix} are made per attachment at run time (shared/storage/object-keys.ts); the grant is limited to that prefix and to the actions this function's routes declare.`,
      });
    }
  }
}

/** The logical id cdk-nag names the bucket by in a finding (`<AttachmentsXXXX.Arn>`). */
const bucketLogicalIdToken = (bucket: IBucket): string => {
  const child = bucket.node.defaultChild as { logicalId?: string } | undefined;
  const stack = (bucket as unknown as { stack: { resolve(x: unknown): unknown } }).stack;
  return String(stack.resolve(child?.logicalId));
};
