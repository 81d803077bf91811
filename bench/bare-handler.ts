/**
 * The baseline of the cold-start proxy: a handler that imports nothing and answers a constant,
 * bundled with exactly the options of the real functions (infra/bundling.ts).
 */
export const handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: '{"ok":true}',
});
