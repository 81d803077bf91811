/**
 * Key shapes of the single table. Every entity's keys are built here and nowhere else.
 *
 * Item collection `ITEM#<trackingCode>`:
 *   sk `#ITEM`           the item itself (status, version, due date, ...). The tracking code is the
 *                        item id: the submitter's lookup is then a direct key read, and a code
 *                        collision is caught by the same conditional put that creates the item.
 *   sk `E#<version:6>`   one event per version: history entry, reply, internal note or follow-up.
 *                        Keyed by the version it produced, so two writers racing for the same
 *                        version collide on the key and one of them fails: nothing is lost.
 *   A Query on the partition returns the item with all its events, in order, in one request.
 *
 * `DIRECTORY` / `CURRENT`: the whole directory document (groups, units, rules, SLA, holidays).
 * `IDEM#<sha256(key)>` / `IDEM`: an idempotency record; its answer is encrypted with the key
 *   itself, so the stored record alone never reveals an access key. Expires after 24 h.
 */
export const itemPk = (trackingCode: string) => `ITEM#${trackingCode}`;
export const itemSk = '#ITEM';
export const eventSk = (version: number) => `E#${String(version).padStart(6, '0')}`;
export const eventSkPrefix = 'E#';

export const directoryKey = { pk: 'DIRECTORY', sk: 'CURRENT' } as const;

export const idempotencyKey = (keyHash: string) => ({ pk: `IDEM#${keyHash}`, sk: 'IDEM' });

/** Index keys of an item: newest first everywhere, the tracking code breaks ties. */
export const itemIndexKeys = (item: { trackingCode: string; createdAt: string; groupId?: string; unitId?: string }) => ({
  gsi1pk: 'ITEMS',
  gsi1sk: `${item.createdAt}#${item.trackingCode}`,
  gsi2pk: `GROUP#${item.groupId ?? '-'}`,
  gsi2sk: `${item.createdAt}#${item.trackingCode}`,
  ...(item.unitId ? { gsi3pk: `UNIT#${item.unitId}`, gsi3sk: `${item.createdAt}#${item.trackingCode}` } : {}),
});
