/**
 * Training sessions in the console: the list (filters group and phase), a new session, and one
 * session (`#/session/<code>`) with its link, edits with If-Match, open/close, and its poster,
 * projector view, meeting records and summary as tabs (`#/session/<code>/<tab>`).
 */
import './sessions.css';
import { useEffect, useState } from 'preact/hooks';
import { sessionTime } from '../lib/session-time';
import { Banner } from '../lib/ui';
import { go, groupName, type Ctx } from './context';
import { HeaderRow, SelectField } from './fields';
import { problemText, useTrainingSession, type TrainingSession } from './session-data';
import { SessionDetails } from './session-details';
import { CreateSession } from './session-form';
import { PosterView, ProjectorView } from './session-poster';
import { RecordsView } from './session-records';
import { st } from './session-strings';
import { SummaryView } from './session-summary';
import { t } from './strings';

export const SessionList = (props: { ctx: Ctx; query: URLSearchParams }) => {
  const { ctx } = props;
  const groupId = props.query.get('groupId') ?? '';
  const phase = props.query.get('phase') ?? '';
  const [sessions, setSessions] = useState<TrainingSession[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState('');
  const fetchPage = async (after?: string) => {
    const q = new URLSearchParams();
    if (groupId) q.set('groupId', groupId);
    if (phase) q.set('phase', phase);
    if (after) q.set('cursor', after);
    const r = await ctx.api<{ sessions: TrainingSession[]; nextCursor?: string }>('GET', `/api/sessions?${q}`);
    if (!r.ok) {
      setError(problemText(r));
      setSessions((s) => s ?? []);
      return;
    }
    setError('');
    setSessions((s) => (after ? [...(s ?? []), ...r.json.sessions] : r.json.sessions));
    setCursor(r.json.nextCursor);
  };
  useEffect(() => {
    void fetchPage();
  }, [groupId, phase]);
  const filter = (name: string, value: string) => {
    const q = new URLSearchParams(props.query);
    if (value) q.set(name, value);
    else q.delete(name);
    go(`#/sessions?${q}`);
  };
  const canCreate = ctx.roles.office || ctx.roles.groups.length > 0;
  const groups = ctx.roles.office || ctx.roles.leader ? ctx.lookup.groups : ctx.lookup.groups.filter((g) => ctx.roles.groups.includes(g.id));
  return (
    <>
      <h1>{st('listTitle')}</h1>
      {canCreate ? <CreateSession ctx={ctx} /> : null}
      <div class="card filters" role="search" aria-label={t('filters')}>
        {groups.length > 1 ? <SelectField id="s-group" label={t('fGroup')} value={groupId} onChange={(v) => filter('groupId', v)} options={groups} empty={t('fAll')} /> : null}
        <SelectField id="s-phase" label={t('fPhase')} value={phase} onChange={(v) => filter('phase', v)} options={ctx.lookup.phases} empty={t('fAll')} />
      </div>
      {error ? <Banner kind="bad">{error}</Banner> : null}
      <div class="card table-wrap">
        <table id="sessions">
          <caption class="sr-only">{st('listTitle')}</caption>
          <HeaderRow labels={[st('colCode'), st('colTitle'), st('colTime'), st('colPlace'), st('colGroup'), st('colPhase'), st('colState')]} />
          <tbody>
            {(sessions ?? []).map((s) => (
              <tr key={s.code} data-code={s.code}>
                <td lang="en">{s.code}</td>
                <td>
                  <a href={`#/session/${encodeURIComponent(s.code)}`}>{s.title}</a>
                </td>
                <td>{sessionTime(s, ctx.lookup.timezone)}</td>
                <td>{s.place ?? ''}</td>
                <td>{s.groupId ? groupName(ctx, s.groupId) : st('officeOwn')}</td>
                <td>{s.phase.name}</td>
                <td>{s.open ? st('stateOpen') : st('stateClosed')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {sessions === null ? <p role="status">{t('loading')}</p> : !sessions.length && !error ? <p class="muted">{st('none')}</p> : null}
        {cursor ? (
          <button type="button" onClick={() => void fetchPage(cursor)}>
            {t('more')}
          </button>
        ) : null}
      </div>
    </>
  );
};

const tabs = [
  ['', 'tabDetails'],
  ['poster', 'tabPoster'],
  ['projector', 'tabProjector'],
  ['records', 'tabRecords'],
  ['summary', 'tabSummary'],
] as const;

export const SessionPage = (props: { ctx: Ctx; arg: string }) => {
  const { ctx } = props;
  const [code = '', tab = ''] = props.arg.split('/');
  const { loaded, reload } = useTrainingSession(ctx, code);
  if (loaded.state === 'loading') return <p role="status">{t('loading')}</p>;
  if (loaded.state === 'error') {
    return (
      <>
        <p>
          <a href="#/sessions">{st('back')}</a>
        </p>
        <Banner kind="bad">{loaded.message}</Banner>
      </>
    );
  }
  const { session } = loaded;
  if (tab === 'projector') return <ProjectorView session={session} />;
  const base = `#/session/${encodeURIComponent(session.code)}`;
  return (
    <>
      <p class="no-print">
        <a href="#/sessions">{st('back')}</a>
      </p>
      <h1 class="no-print" id="session-heading">
        {session.title}
      </h1>
      <nav class="tabs no-print" aria-label={st('tabs')}>
        {tabs.map(([id, label]) => (
          <a key={id} href={id ? `${base}/${id}` : base} aria-current={tab === id ? 'page' : undefined}>
            {st(label)}
          </a>
        ))}
      </nav>
      {tab === 'poster' ? (
        <PosterView session={session} timeZone={ctx.lookup.timezone} />
      ) : tab === 'records' ? (
        <RecordsView ctx={ctx} session={session} />
      ) : tab === 'summary' ? (
        <SummaryView ctx={ctx} code={session.code} />
      ) : (
        <SessionDetails ctx={ctx} session={session} reload={reload} />
      )}
    </>
  );
};
