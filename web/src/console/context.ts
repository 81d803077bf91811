import type { ApiOptions, ApiResult } from '../lib/api';
import type { Roles, Session } from './auth';

export interface Lookup {
  units: Map<string, { id: string; name: string; system: string }>;
  groups: { id: string; name: string }[];
  phases: { id: string; name: string }[];
  /** The directory's time zone (sessions are entered and shown in it). */
  timezone: string;
}

export interface Ctx {
  session: Session;
  roles: Roles;
  lookup: Lookup;
  api: <T = any>(method: string, path: string, options?: ApiOptions) => Promise<ApiResult<T>>;
}

export const groupName = (ctx: Ctx, id: string | undefined | null): string =>
  id ? (ctx.lookup.groups.find((g) => g.id === id)?.name ?? id) : '';

export const unitName = (ctx: Ctx, id: string | undefined): string => (id ? (ctx.lookup.units.get(id)?.name ?? id) : '');

/** Reads and writes `#/route?query` in the console's URL. */
export const parseHash = (): { route: string; arg: string; query: URLSearchParams } => {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const [route = 'items', ...rest] = (path ?? '').split('/');
  return { route: route || 'items', arg: decodeURIComponent(rest.join('/')), query: new URLSearchParams(query) };
};

export const go = (hash: string) => {
  if (location.hash !== hash) location.hash = hash;
};

/** A due date means something only while an item can still be answered or reopened: not once it is closed, rejected or merged. */
export const dueShown = (status: string): boolean => !['closed', 'rejected', 'merged'].includes(status);
