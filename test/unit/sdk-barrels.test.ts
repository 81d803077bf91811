/**
 * infra/sdk-barrels.ts: the SDK's imports from its core's indexes taken from the files that define
 * each name. A handler that uses DynamoDB and loads S3 lazily no longer reads S3's XML protocol at
 * a cold start (one build did), and both clients still serialize and parse their requests.
 */
import { build, type Metafile, type OutputFile } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/bundling';
import { reachableFiles } from '../../infra/dead-imports';
import { sdkBarrels } from '../../infra/sdk-barrels';

const dir = mkdtempSync(join(tmpdir(), 'yijian-sdk-barrels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What only S3's XML serializer says. */
const xmlText = 'union member in XML requires';

// Each client answers from a request handler that keeps the request: no network.
const entry = `
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Readable } from 'node:stream';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' };
const answering = (sent, body) => ({ handle: async (request) => { sent.push(request); return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([body]) } }; } });
export const getItem = async () => {
  const sent = [];
  const client = new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: answering(sent, '{"Item":{"pk":{"S":"DIRECTORY"}}}') });
  const { Item } = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'DIRECTORY' } } }));
  return { item: Item, target: sent[0].headers['x-amz-target'] };
};
export const deleteObjects = async () => {
  const { S3Client, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const sent = [];
  const client = new S3Client({ region: 'us-east-1', credentials, requestHandler: answering(sent, '<DeleteResult><Deleted><Key>a.jpg</Key></Deleted></DeleteResult>') });
  const { Deleted } = await client.send(new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'a.jpg' }] } }));
  return { deleted: Deleted, body: String(sent[0].body) };
};
`;
writeFileSync(join(dir, 'entry.mjs'), entry);

/** The bundle, with or without the plugin, as its files. */
const bundle = async (withPlugin: boolean, out: string) => {
  const plugins = esbuildOptions.plugins.filter((plugin) => withPlugin || plugin !== sdkBarrels);
  // The entry is outside the repository: packages resolve from its node_modules.
  return build({ ...esbuildOptions, plugins, nodePaths: [join(process.cwd(), 'node_modules')], sourcemap: false, entryPoints: [join(dir, 'entry.mjs')], outdir: join(dir, out), metafile: true, write: false, logLevel: 'error' });
};

/** The text of the entry's module and what it imports statically: what a cold start reads. */
const coldText = (metafile: Metafile, files: OutputFile[]) => {
  const byPath = new Map(files.map((file) => [relative(process.cwd(), file.path), file.text]));
  return [...reachableFiles(metafile, { staticOnly: true })].map((file) => byPath.get(file)).join('\n');
};

describe('the SDK bundled with the plugin', () => {
  it("leaves S3's XML protocol out of what a cold start reads (one build put it there) and in the lazy S3 code", async () => {
    const [plain, precise] = await Promise.all([bundle(false, 'plain'), bundle(true, 'precise')]);
    expect(coldText(plain.metafile, plain.outputFiles)).toContain(xmlText);
    expect(coldText(precise.metafile, precise.outputFiles)).not.toContain(xmlText);
    expect(precise.outputFiles.some((file) => file.text.includes(xmlText))).toBe(true);
    // Rewritten imports still meet the event-stream stand-in (infra/sdk-event-streams.ts): no codec anywhere.
    expect(precise.outputFiles.some((file) => file.text.includes('header name exceeds 255 bytes'))).toBe(false);
    expect(plain.outputFiles.some((file) => file.text.includes('Event streams are not bundled with this function'))).toBe(true);
    // An index with code of its own is in the bundle once: as that code alone, never beside itself whole.
    const inputs = Object.keys(precise.metafile.inputs);
    const ownCode = inputs.filter((input) => input.endsWith('?yijian-index-locals'));
    expect(ownCode.length).toBeGreaterThan(0);
    for (const input of ownCode) expect(inputs, input).not.toContain(input.replace(/\?yijian-index-locals$/, ''));
  }, 30_000);

  it('serializes and parses both clients\' requests as before', async () => {
    const { outputFiles } = await bundle(true, 'run');
    for (const file of outputFiles) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.text);
    }
    const { getItem, deleteObjects } = (await import(pathToFileURL(join(dir, 'run', 'index.mjs')).href)) as Record<string, () => Promise<Record<string, unknown>>>;
    await expect(getItem!()).resolves.toEqual({ item: { pk: { S: 'DIRECTORY' } }, target: 'DynamoDB_20120810.GetItem' });
    const deleted = await deleteObjects!();
    expect(deleted.deleted).toEqual([{ Key: 'a.jpg' }]);
    expect(deleted.body).toContain('<Delete');
    expect(deleted.body).toContain('<Key>a.jpg</Key>');
  }, 30_000);
});
