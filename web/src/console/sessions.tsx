/**
 * Training sessions in the console: the list (filters group and phase), a new session, and one
 * session (`#/session/<code>`) with its link, edits with If-Match, open/close, and its poster,
 * projector view, meeting records and summary as tabs (`#/session/<code>/<tab>`).
 */
import './sessions.css';
import { useEffect, useState } from 'preact/hooks';
import { problemToErrors, type FieldErrors } from '../lib/api';
import { formatDateTime } from '../lib/i18n';
import { translateMessage } from '../lib/messages';
import { sessionTime } from '../lib/session-time';
import { Banner, FieldError, useCopy } from '../lib/ui';
import { isoToZoned, zonedToIso } from '../lib/zoned-time';
import { go, groupName, type Ctx } from './context';
import { HeaderRow, SelectField } from './fields';
import { fullLink, problemText, sessionPath, useTrainingSession, type TrainingSession } from './session-data';
import { PosterView, ProjectorView } from './session-poster';
import { RecordsView } from './session-records';
import { st } from './session-strings';
import { SummaryView } from './session-summary';
import { t } from './strings';

interface Draft {
  title: string;
  startsAt: string;
  endsAt: string;
  place: string;
  groupId: string;
  unitIds: string[];
}

const localised = (errors: FieldErrors): FieldErrors => Object.fromEntries(Object.entries(errors).map(([path, message]) => [path, translateMessage(message)]));

/** The fields of a new session or an edit; `withOwner` adds group and units (set at creation only). */
const SessionFields = (props: { ctx: Ctx; draft: Draft; errors: FieldErrors; set: (d: Partial<Draft>) => void; withOwner: boolean; prefix: string }) => {
  const { ctx, draft, errors, prefix } = props;
  const id = (name: string) => `${prefix}-${name}`;
  const err = (path: string) => (errors[path] ? `${id(path)}-error` : undefined);
  const groups = ctx.roles.office ? ctx.lookup.groups : ctx.lookup.groups.filter((g) => ctx.roles.groups.includes(g.id));
  const units = [...ctx.lookup.units.values()];
  const text = (name: 'title' | 'place', label: string, max: number) => (
    <div class="field">
      <label for={id(name)}>{label}</label>
      <input type="text" id={id(name)} value={draft[name]} maxLength={max} aria-invalid={errors[name] ? true : undefined} aria-describedby={err(name)} onInput={(e) => props.set({ [name]: (e.target as HTMLInputElement).value })} />
      <FieldError id={`${id(name)}-error`} message={errors[name]} />
    </div>
  );
  const when = (name: 'startsAt' | 'endsAt', label: string) => (
    <div class="field">
      <label for={id(name)}>{label}</label>
      <input type="datetime-local" id={id(name)} value={draft[name]} aria-invalid={errors[name] ? true : undefined} aria-describedby={[`${prefix}-tz`, err(name)].filter(Boolean).join(' ')} onInput={(e) => props.set({ [name]: (e.target as HTMLInputElement).value })} />
      <FieldError id={`${id(name)}-error`} message={errors[name]} />
    </div>
  );
  return (
    <>
      {text('title', st('fTitle'), 120)}
      <div class="grid2">
        {when('startsAt', st('fStartsAt'))}
        {when('endsAt', st('fEndsAt'))}
      </div>
      <p class="hint" id={`${prefix}-tz`}>
        {st('timeHint', { tz: ctx.lookup.timezone })}
      </p>
      {text('place', st('fPlace'), 120)}
      {props.withOwner ? (
        <>
          <div class="field">
            <label for={id('groupId')}>{st('fGroup')}</label>
            <select id={id('groupId')} value={draft.groupId} aria-describedby={err('groupId')} onChange={(e) => props.set({ groupId: (e.target as HTMLSelectElement).value })}>
              {ctx.roles.office ? <option value="">{st('fGroupNone')}</option> : null}
              {groups.map((g) => (
                <option value={g.id} key={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
            <FieldError id={`${id('groupId')}-error`} message={errors.groupId} />
          </div>
          <div class="field">
            <label for={id('unitIds')}>{st('fUnits')}</label>
            <select
              id={id('unitIds')}
              multiple
              size={6}
              aria-describedby={[`${id('unitIds')}-hint`, err('unitIds')].filter(Boolean).join(' ')}
              onChange={(e) => props.set({ unitIds: [...(e.target as HTMLSelectElement).selectedOptions].map((o) => o.value) })}
            >
              {units.map((u) => (
                <option value={u.id} key={u.id} selected={draft.unitIds.includes(u.id)}>
                  {u.name}
                </option>
              ))}
            </select>
            <p class="hint" id={`${id('unitIds')}-hint`}>
              {st('fUnitsHint')}
            </p>
            <FieldError id={`${id('unitIds')}-error`} message={errors.unitIds} />
          </div>
        </>
      ) : null}
    </>
  );
};

/** The request body from a draft: times read in the campaign's zone, empty optional fields left out. */
const toBody = (ctx: Ctx, d: Draft, withOwner: boolean): Record<string, unknown> => {
  const body: Record<string, unknown> = { title: d.title.trim(), startsAt: zonedToIso(d.startsAt, ctx.lookup.timezone) ?? d.startsAt };
  if (d.endsAt) body.endsAt = zonedToIso(d.endsAt, ctx.lookup.timezone) ?? d.endsAt;
  if (d.place.trim()) body.place = d.place.trim();
  if (withOwner) {
    if (d.groupId) body.groupId = d.groupId;
    if (d.unitIds.length) body.unitIds = d.unitIds;
  }
  return body;
};

const CreateSession = (props: { ctx: Ctx }) => {
  const { ctx } = props;
  const blank: Draft = { title: '', startsAt: '', endsAt: '', place: '', groupId: ctx.roles.office ? '' : (ctx.roles.groups[0] ?? ''), unitIds: [] };
  const [draft, setDraft] = useState<Draft>(blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await ctx.api<TrainingSession>('POST', '/api/sessions', { body: toBody(ctx, draft, true) });
    setBusy(false);
    if (r.status === 201) {
      go(`#/session/${encodeURIComponent(r.json.code)}`);
      return;
    }
    const fields = r.status === 400 ? localised(problemToErrors(r.problem)) : {};
    setErrors(fields);
    setBanner(Object.keys(fields).length ? t('failed', { status: r.status, detail: '' }) : problemText(r));
  };
  return (
    <details class="card" open={false}>
      <summary>{st('newSession')}</summary>
      <form id="new-session" noValidate onSubmit={submit}>
        {banner ? <Banner kind="bad">{banner}</Banner> : null}
        <SessionFields ctx={ctx} draft={draft} errors={errors} set={(d) => setDraft((x) => ({ ...x, ...d }))} withOwner prefix="new" />
        <button type="submit" class="primary" disabled={busy}>
          {st('create')}
        </button>
      </form>
    </details>
  );
};

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

const draftOf = (ctx: Ctx, s: TrainingSession): Draft => ({
  title: s.title,
  startsAt: isoToZoned(s.startsAt, ctx.lookup.timezone),
  endsAt: isoToZoned(s.endsAt, ctx.lookup.timezone),
  place: s.place ?? '',
  groupId: s.groupId ?? '',
  unitIds: s.unitIds,
});

/** Their version of each field, except where this person changed it from the version they started on. */
const keepEdits = (mine: Draft, started: Draft, theirs: Draft): Draft => {
  const merged = { ...theirs };
  for (const key of Object.keys(theirs) as (keyof Draft)[]) {
    if (JSON.stringify(mine[key]) !== JSON.stringify(started[key])) (merged as Record<keyof Draft, unknown>)[key] = mine[key];
  }
  return merged;
};

const SessionDetails = (props: { ctx: Ctx; session: TrainingSession; reload: () => Promise<TrainingSession | null> }) => {
  const { ctx, session } = props;
  const [draft, setDraft] = useState<Draft>(draftOf(ctx, session));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<{ kind: 'ok' | 'warn' | 'bad'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const clipboard = useCopy(() => st('copied'), () => st('copyFailed'));
  const canEdit = ctx.roles.office || (session.groupId !== undefined && ctx.roles.groups.includes(session.groupId));
  const link = fullLink(session);

  const patch = async (body: Record<string, unknown>, done: string) => {
    setBusy(true);
    const r = await ctx.api<TrainingSession>('PATCH', sessionPath(session.code), { body, headers: { 'If-Match': `"${session.version}"` } });
    setBusy(false);
    if (r.ok) {
      setErrors({});
      setNotice({ kind: 'ok', text: done });
      const fresh = await props.reload();
      if (fresh) setDraft(draftOf(ctx, fresh));
      return;
    }
    if (r.status === 400) setErrors(localised(problemToErrors(r.problem)));
    setNotice({ kind: r.status === 412 ? 'warn' : 'bad', text: problemText(r) });
    if (r.status !== 412) return;
    // Someone else's change: take it, but keep the fields this person changed (from the version they started on).
    const started = draftOf(ctx, session);
    const fresh = await props.reload();
    if (fresh) {
      const theirs = draftOf(ctx, fresh);
      setDraft((mine) => keepEdits(mine, started, theirs));
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    const full = toBody(ctx, draft, false);
    const before = toBody(ctx, draftOf(ctx, session), false);
    const changed: Record<string, unknown> = Object.fromEntries(Object.entries(full).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
    // An optional field emptied is taken off the session (PATCH takes null for it).
    for (const key of ['endsAt', 'place']) if (before[key] !== undefined && full[key] === undefined) changed[key] = null;
    if (!Object.keys(changed).length) {
      setNotice({ kind: 'ok', text: st('saved') });
      return;
    }
    void patch(changed, st('saved'));
  };


  return (
    <>
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
      <div class="card">
        <dl class="kv">
          <dt>{st('colCode')}</dt>
          <dd lang="en" id="session-code">
            {session.code}
          </dd>
          <dt>{st('colTime')}</dt>
          <dd>{sessionTime(session, ctx.lookup.timezone)}</dd>
          <dt>{st('colPhase')}</dt>
          <dd>{session.phase.name}</dd>
          <dt>{st('colGroup')}</dt>
          <dd>{session.groupId ? groupName(ctx, session.groupId) : st('officeOwn')}</dd>
          <dt>{st('colState')}</dt>
          <dd id="session-state">{session.open ? st('stateOpen') : st('stateClosed')}</dd>
          {session.place ? (
            <>
              <dt>{st('colPlace')}</dt>
              <dd>{session.place}</dd>
            </>
          ) : null}
          <dt>{st('createdAt')}</dt>
          <dd>{formatDateTime(session.createdAt)}</dd>
          <dt>{st('link')}</dt>
          <dd>
            <code id="session-link" class="link-text">
              {link}
            </code>
            <p class="hint">{st('linkNote')}</p>
            <button type="button" onClick={() => void clipboard.copy(link)}>
              {st('copyLink')}
            </button>{' '}
            <span role="status" class="small">
              {clipboard.message}
            </span>
          </dd>
        </dl>
        {canEdit ? (
          <p>
            <button
              type="button"
              id="toggle-open"
              class={session.open ? 'danger' : 'primary'}
              disabled={busy}
              onClick={() => void patch({ open: !session.open }, session.open ? st('closedDone') : st('openedDone'))}
            >
              {session.open ? st('closeIt') : st('openIt')}
            </button>
          </p>
        ) : null}
      </div>
      {canEdit ? (
        <form class="card" id="edit-session" noValidate onSubmit={save}>
          <h2>{st('edit')}</h2>
          <SessionFields ctx={ctx} draft={draft} errors={errors} set={(d) => setDraft((x) => ({ ...x, ...d }))} withOwner={false} prefix="edit" />
          <button type="submit" class="primary" disabled={busy}>
            {st('save')}
          </button>
        </form>
      ) : null}
    </>
  );
};

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
