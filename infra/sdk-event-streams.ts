/**
 * An esbuild plugin that gives the bundled SDK `shared/no-event-streams.ts` (which says why) for
 * `@smithy/core/event-streams`: the clients' config resolver as it is, and an event-stream serde
 * that refuses. That module itself imports the resolver from the SDK's module, so it alone is let
 * through. Written here because esbuild's `alias` redirects every importer, that one included.
 */
import type { Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const noEventStreamsModule = fileURLToPath(new URL('../shared/no-event-streams.ts', import.meta.url));

export const sdkEventStreams: Plugin = {
  name: 'yijian-sdk-event-streams',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) => (args.importer === noEventStreamsModule ? undefined : { path: noEventStreamsModule }));
  },
};
