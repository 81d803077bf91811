/**
 * Response streaming in the local gateway (local/gateway.ts), as a function URL in RESPONSE_STREAM
 * mode does it: the handler writes its body to a stream that goes to the client as it is written.
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * Lambda's `awslambda` global, as far as response streaming needs it: `streamifyResponse` marks a
 * handler as streaming, `HttpResponseStream.from` attaches the status and headers (the prelude)
 * before the body. The gateway then pipes the body to the client as it is written, with
 * backpressure, the way a function URL in RESPONSE_STREAM mode does.
 */
const streaming = Symbol('yijian.streaming');
export type StreamingHandler = ((event: APIGatewayProxyEventV2, stream: Writable, context: Context) => Promise<void>) & { [streaming]?: true };
interface PreludeWritable extends Writable {
  setPrelude(prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] }): void;
}
/** Other libraries (the SDK's invoke store) also keep things on `awslambda`: add to it, never replace it. */
export const installLambdaGlobals = () => {
  const g = globalThis as { awslambda?: Record<string, unknown> };
  g.awslambda ??= {};
  g.awslambda.streamifyResponse ??= (fn: StreamingHandler) => Object.assign(fn, { [streaming]: true as const });
  g.awslambda.HttpResponseStream ??= {
    from: (stream: PreludeWritable, prelude: Parameters<PreludeWritable['setPrelude']>[0]) => {
      stream.setPrelude(prelude);
      return stream;
    },
  };
};

export const responseStreamFor = (res: ServerResponse): PreludeWritable => {
  let headed = false;
  const head = (prelude: Parameters<PreludeWritable['setPrelude']>[0] = {}) => {
    if (headed) return;
    headed = true;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(prelude.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (prelude.cookies?.length) headers['set-cookie'] = prelude.cookies;
    res.writeHead(prelude.statusCode ?? 200, headers);
  };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      head();
      if (res.write(chunk)) callback();
      else res.once('drain', () => callback());
    },
    final(callback) {
      head();
      res.end(callback);
    },
  }) as PreludeWritable;
  stream.setPrelude = head;
  return stream;
};

/** Whether a loaded handler was wrapped by `awslambda.streamifyResponse` (installLambdaGlobals). */
export const isStreamingHandler = (handler: unknown): handler is StreamingHandler => typeof handler === 'function' && (handler as StreamingHandler)[streaming] === true;
