/**
 * RFC 9457 problem documents. Every error a client sees is one of these; anything that is not an
 * HttpProblem becomes a generic 500 whose cause is logged, never shown.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    options: { type?: string; title?: string; detail?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(options.detail ?? titles[status] ?? 'Error');
    this.name = 'HttpProblem';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.title = options.title ?? titles[status] ?? 'Error';
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  toDocument(): ProblemDocument {
    const doc: ProblemDocument = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) doc.detail = this.detail;
    if (this.errors !== undefined) doc.errors = this.errors;
    return doc;
  }
}

const problemType = (slug: string): string => `https://yijian.example/problems/${slug}`;

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid fields.') =>
    new HttpProblem(400, { type: problemType('validation'), detail, errors }),
  malformedJson: () => new HttpProblem(400, { type: problemType('malformed-json'), detail: 'The body is not valid JSON.' }),
  notFound: (detail = 'Nothing was found here.') => new HttpProblem(404, { type: problemType('not-found'), detail }),
  conflict: (detail: string) => new HttpProblem(409, { type: problemType('conflict'), detail }),
  preconditionFailed: () =>
    new HttpProblem(412, { type: problemType('stale'), detail: 'The item was changed by someone else; reload it and try again.' }),
  tooLarge: (limit: number) =>
    new HttpProblem(413, { type: problemType('too-large'), detail: `The body is larger than ${limit} bytes.` }),
  unsupportedMediaType: () =>
    new HttpProblem(415, { type: problemType('unsupported-media-type'), detail: 'Send the body as application/json.' }),
  rateLimited: (retryAfterSeconds: number) =>
    new HttpProblem(429, {
      type: problemType('rate-limited'),
      detail: 'Too many requests from this address; try again later.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  unavailable: (retryAfterSeconds = 1) =>
    new HttpProblem(503, {
      type: problemType('unavailable'),
      detail: 'The service is busy; try again shortly.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  internal: () => new HttpProblem(500, { type: 'about:blank', detail: 'Something went wrong on our side. It has been logged.' }),
};
