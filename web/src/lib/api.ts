/** A small fetch wrapper: JSON in, { status, json, headers } out; problem+json errors kept whole. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export interface ApiResult<T = any> {
  ok: boolean;
  status: number;
  headers: Headers;
  json: T;
  problem?: Problem;
}

export interface ApiOptions {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

/** A network failure is reported as status 0, never thrown. */
export const apiRequest = async <T = any>(method: string, path: string, options: ApiOptions = {}): Promise<ApiResult<T>> => {
  const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, headers: new Headers(), json: undefined as T, problem: { title: 'network' } };
  }
  let json: any;
  try {
    const text = await response.text();
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    ok: response.ok,
    status: response.status,
    headers: response.headers,
    json,
    problem: response.ok ? undefined : ((json ?? { status: response.status }) as Problem),
  };
};

/** Field errors by path ("title", "contact.email"), from a zod error or a problem document. */
export type FieldErrors = Record<string, string>;

export const issuesToErrors = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors => {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
};

type SafeParsed<T> = { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/**
 * The body checked by the shared schema before it is sent: its data, or null once its field
 * errors are shown (`show`), so a form stops there.
 */
export const validated = <T>(schema: { safeParse(value: unknown): SafeParsed<T> }, value: unknown, show: (errors: FieldErrors) => void): T | null => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  show(issuesToErrors(parsed.error.issues));
  return null;
};

export const problemToErrors = (problem: Problem | undefined): FieldErrors => {
  const errors: FieldErrors = {};
  for (const e of problem?.errors ?? []) errors[e.path || ''] ??= e.message;
  return errors;
};
