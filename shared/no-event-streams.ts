/**
 * What the Lambda bundles take for `@smithy/core/event-streams` (infra/sdk-event-streams.ts): the
 * SDK's client config resolver, and an event-stream serde that refuses.
 *
 * Why: S3's runtime configuration imports the SDK's event-stream marshaller and message codec for
 * the one S3 operation that streams events (SelectObjectContent), so every presign, upload and
 * download loaded and compiled them on the first use of S3: measured, 14 KB and about 2 ms of a
 * cold start's first signed URL (bench/). No request of this desk has an event stream (DynamoDB,
 * S3's object requests, SES and Secrets Manager have none), so nothing here is ever called; if a
 * request ever did stream events, it fails here, loudly, instead of sending something half-made.
 * The local stack and the tests run the unbundled code, with the SDK's own module.
 */
import type { EventStreamMarshaller, EventStreamSerdeProvider } from '@smithy/types';

export { resolveEventStreamSerdeConfig } from '@smithy/core/event-streams';

const refuse = (): never => {
  throw new Error('Event streams are not bundled with this function (shared/no-event-streams.ts).');
};

const marshaller: EventStreamMarshaller = { serialize: refuse, deserialize: refuse };

/** What S3's runtime configuration takes as its event-stream serde. */
export const eventStreamSerdeProvider: EventStreamSerdeProvider = () => marshaller;

/** What the SDK's protocols load on the first request with an event stream. */
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}
