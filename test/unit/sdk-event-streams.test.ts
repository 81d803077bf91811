/**
 * infra/sdk-event-streams.ts with shared/no-event-streams.ts: a bundle that uses S3 carries no
 * event-stream codec, its client still resolves its config and signs, and the stand-in refuses
 * anything that would stream events.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sdkEventStreams } from '../../infra/sdk-event-streams';
import { bundleSource } from '../support/bundle-source';
import { EventStreamSerde, eventStreamSerdeProvider, resolveEventStreamSerdeConfig } from '../../shared/no-event-streams';

const dir = mkdtempSync(join(tmpdir(), 'yijian-event-streams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What only the SDK's event-stream codec says (its header encoder). */
const codecText = 'header name exceeds 255 bytes';

const presigning = [
  "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';",
  "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
  "const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' } });",
  "export const sign = () => getSignedUrl(client, new GetObjectCommand({ Bucket: 'yijian-attachments', Key: 'items/a.jpg' }), { expiresIn: 60 });",
].join('\n');

/** An ESM bundle of `source`, with or without the plugin. */
const bundle = (source: string, withPlugin: boolean): Promise<string> => bundleSource(source, withPlugin ? [sdkEventStreams] : []);

describe('a bundle with the plugin', () => {
  it("leaves the SDK's event-stream codec out of a bundle that signs S3 URLs (it was in without the plugin)", async () => {
    const [plain, trimmed] = await Promise.all([bundle(presigning, false), bundle(presigning, true)]);
    expect(plain).toContain(codecText);
    expect(trimmed).not.toContain(codecText);
    expect(trimmed).toContain('Event streams are not bundled with this function');
  }, 30_000);

  it('still builds a working S3 client: it resolves its config and signs', async () => {
    const file = join(dir, 'presign.mjs');
    writeFileSync(file, await bundle(presigning, true));
    const { sign } = (await import(pathToFileURL(file).href)) as { sign: () => Promise<string> };
    const url = new URL(await sign());
    expect(url.hostname).toBe('yijian-attachments.s3.us-east-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  }, 30_000);
});

describe('shared/no-event-streams.ts', () => {
  it("resolves a client's config with the SDK's own resolver, and its marshaller refuses both ways", () => {
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });
    expect(() => config.eventStreamMarshaller.serialize((async function* () {})(), () => ({ headers: {}, body: new Uint8Array() }))).toThrow(/not bundled/);
    expect(() => config.eventStreamMarshaller.deserialize(new ReadableStream(), async () => ({}))).toThrow(/not bundled/);
  });

  it('refuses to make the serde a protocol loads for a request with an event stream', () => {
    expect(() => new EventStreamSerde()).toThrow(/not bundled/);
  });
});
