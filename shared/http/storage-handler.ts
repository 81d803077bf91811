import { handlerOn, processDeps, type Deps } from '../deps';
import type { Principal } from '../domain/access';
import { withStorage, type StorageDeps } from '../storage/client';
import { buildHttpHandler, type HttpHandlerOptions, type HttpRequest, type HttpResult, type Infer, type Schema } from './middy-stack';

/**
 * The handlers that touch attachments: built like shared/http/handler.ts's, on deps with the
 * attachments bucket (shared/storage/client.ts). Apart from that module, so that only these
 * functions bundle the S3 client.
 */
export const storageHandler = <BS extends Schema | undefined = undefined, QS extends Schema | undefined = undefined, PS extends Schema | undefined = undefined>(
  options: HttpHandlerOptions<BS, QS, PS>,
  fn: (request: HttpRequest<Infer<BS>, Infer<QS>, Infer<PS>>, deps: StorageDeps) => Promise<HttpResult>,
) => handlerOn((deps: Deps) => buildHttpHandler<BS, QS, PS, StorageDeps>(options, fn)(withStorage(deps)), processDeps());

export const storageStaffHandler = <BS extends Schema | undefined = undefined, QS extends Schema | undefined = undefined, PS extends Schema | undefined = undefined>(
  options: Omit<HttpHandlerOptions<BS, QS, PS>, 'auth'>,
  fn: (request: HttpRequest<Infer<BS>, Infer<QS>, Infer<PS>>, principal: Principal, deps: StorageDeps) => Promise<HttpResult>,
) => storageHandler({ ...options, auth: 'staff' }, (request, deps) => fn(request, request.principal!, deps));

/**
 * A signed download: 302 to it, or with `Accept: application/json` (a page that sends a key or a
 * token in a header and cannot follow a redirect with it) the URL as data (docs/api.md).
 */
export const redirectTo = (request: { headers: Readonly<Record<string, string>> }, link: { url: string; expiresAt: string }): HttpResult =>
  /\bapplication\/json\b/i.test(request.headers.accept ?? '') ? { status: 200, body: link } : { status: 302, headers: { location: link.url } };
