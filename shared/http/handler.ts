import { handlerOn, processDeps, type Deps } from '../deps';
import type { Principal } from '../domain/access';
import { buildHttpHandler, type HttpHandlerOptions, type HttpRequest, type HttpResult, type Infer, type Schema } from './middy-stack';

export { json, maxBodyBytes, versioned, type HttpRequest } from './middy-stack';

/**
 * An HTTP handler on the one middy stack (./middy-stack.ts), built at module load on this
 * process's deps (the cold start: an invalid setting stops it there); `withDeps` builds it again
 * on other deps (the local stack's, a test's).
 */
export const httpHandler = <
  BS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  PS extends Schema | undefined = undefined,
>(
  options: HttpHandlerOptions<BS, QS, PS>,
  fn: (request: HttpRequest<Infer<BS>, Infer<QS>, Infer<PS>>, deps: Deps) => Promise<HttpResult>,
) => handlerOn(buildHttpHandler<BS, QS, PS, Deps>(options, fn), processDeps());

/** A staff endpoint: the handler gets the verified principal alongside the request. */
export const staffHandler = <
  BS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  PS extends Schema | undefined = undefined,
>(
  options: Omit<HttpHandlerOptions<BS, QS, PS>, 'auth'>,
  fn: (request: HttpRequest<Infer<BS>, Infer<QS>, Infer<PS>>, principal: Principal, deps: Deps) => Promise<HttpResult>,
) => httpHandler({ ...options, auth: 'staff' }, (request, deps) => fn(request, request.principal!, deps));
