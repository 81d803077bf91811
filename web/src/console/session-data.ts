/** A training session as the staff API gives it (API.md, "Training sessions"), its loader and the console's messages for its refusals. */
import { useEffect, useState } from 'preact/hooks';
import type { SessionView } from '../../../shared/schemas/session';
import type { ApiResult } from '../lib/api';
import { problemText as anyProblemText, translateMessage } from '../lib/messages';
import type { Ctx } from './context';
import { st } from './session-strings';
import { t } from './strings';

/** A session as the staff endpoints give it (joinKey and link included). */
export type TrainingSession = SessionView;

/** The full link for the poster and the projector: this origin plus the session's `/s/<code>#<joinKey>`. */
export const fullLink = (session: Pick<TrainingSession, 'link'>): string => new URL(session.link, location.origin).href;

/** The link written out on the poster and the projector, for typing: without the scheme, key included (the page needs it). */
export const shortLink = (session: Pick<TrainingSession, 'link'>): string => `${location.host}${session.link}`;

export const sessionPath = (code: string) => `/api/sessions/${encodeURIComponent(code)}`;

/** One message for a refusal, in the console's language (field errors are shown beside their fields instead). */
export const problemText = (r: ApiResult): string => {
  if (r.status === 0) return t('network');
  if (r.status === 403) return t('forbidden');
  if (r.status === 404) return st('notFound');
  if (r.status === 412) return st('conflict');
  if (r.status === 409) return t('wrongStatus');
  const detail = r.problem?.errors?.map((e) => `${e.path}: ${translateMessage(e.message)}`).join('; ');
  return detail ? t('failed', { status: r.status, detail }) : anyProblemText(r);
};

export type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; session: TrainingSession };

/** GET /api/sessions/{code}; `reload` after a change (or a 412). */
export const useTrainingSession = (ctx: Ctx, code: string) => {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const reload = async () => {
    const r = await ctx.api<TrainingSession>('GET', sessionPath(code));
    setLoaded(r.ok ? { state: 'ready', session: r.json } : { state: 'error', message: problemText(r) });
    return r.ok ? r.json : null;
  };
  useEffect(() => {
    void reload();
  }, [code]);
  return { loaded, setLoaded, reload };
};
