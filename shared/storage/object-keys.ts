/**
 * Object keys of the attachments bucket, built here and nowhere else (as the table's are in
 * shared/data/keys.ts). Two prefixes, each with its own rules deployed (infra/bind-bucket.ts):
 *   `uploads/<idHash>`            what a presigned POST put there: unchecked bytes from anyone.
 *                                 Removed by a lifecycle rule (never attached: `uploadExpirationDays`), or by
 *                                 the attaching function once its clean copy is stored.
 *   `items/<trackingCode>/<id>`   the checked, re-encoded copy, under a key that names its item
 *                                 (DESIGN.md): only this prefix is ever signed for download.
 * The upload is keyed by the id's hash, so a listing of the bucket gives nobody an id to attach.
 */
export const uploadPrefix = 'uploads/';
export const itemObjectPrefix = 'items/';

export const uploadObjectKey = (idHash: string): string => `${uploadPrefix}${idHash}`;
export const itemObjectKey = (trackingCode: string, attachmentId: string): string => `${itemObjectPrefix}${trackingCode}/${attachmentId}`;
