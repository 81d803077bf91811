/** One session's details: its link (to copy), open/close, and the edit form (If-Match; a 412 keeps this person's edits). */
import { useState } from 'preact/hooks';
import { problemToErrors, type FieldErrors } from '../lib/api';
import { formatDateTime } from '../lib/i18n';
import { sessionTime } from '../lib/session-time';
import { Banner, useCopy } from '../lib/ui';
import { groupName, type Ctx } from './context';
import { fullLink, problemText, sessionPath, type TrainingSession } from './session-data';
import { draftOf, keepEdits, localised, SessionFields, toBody, type Draft } from './session-form';
import { st } from './session-strings';

export const SessionDetails = (props: { ctx: Ctx; session: TrainingSession; reload: () => Promise<TrainingSession | null> }) => {
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
