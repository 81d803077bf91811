/**
 * A session's form: the fields of a new session (with its group and units) or of an edit, the
 * request body they make (times read in the campaign's zone), and the new-session form itself.
 */
import { useState } from 'preact/hooks';
import { problemToErrors, type FieldErrors } from '../lib/api';
import { translateMessage } from '../lib/messages';
import { Banner, FieldError } from '../lib/ui';
import { isoToZoned, zonedToIso } from '../lib/zoned-time';
import { go, type Ctx } from './context';
import { problemText, type TrainingSession } from './session-data';
import { st } from './session-strings';
import { t } from './strings';

export interface Draft {
  title: string;
  startsAt: string;
  endsAt: string;
  place: string;
  groupId: string;
  unitIds: string[];
}

export const localised = (errors: FieldErrors): FieldErrors => Object.fromEntries(Object.entries(errors).map(([path, message]) => [path, translateMessage(message)]));

/** The fields of a new session or an edit; `withOwner` adds group and units (set at creation only). */
export const SessionFields = (props: { ctx: Ctx; draft: Draft; errors: FieldErrors; set: (d: Partial<Draft>) => void; withOwner: boolean; prefix: string }) => {
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
export const toBody = (ctx: Ctx, d: Draft, withOwner: boolean): Record<string, unknown> => {
  const body: Record<string, unknown> = { title: d.title.trim(), startsAt: zonedToIso(d.startsAt, ctx.lookup.timezone) ?? d.startsAt };
  if (d.endsAt) body.endsAt = zonedToIso(d.endsAt, ctx.lookup.timezone) ?? d.endsAt;
  if (d.place.trim()) body.place = d.place.trim();
  if (withOwner) {
    if (d.groupId) body.groupId = d.groupId;
    if (d.unitIds.length) body.unitIds = d.unitIds;
  }
  return body;
};

export const CreateSession = (props: { ctx: Ctx }) => {
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

export const draftOf = (ctx: Ctx, s: TrainingSession): Draft => ({
  title: s.title,
  startsAt: isoToZoned(s.startsAt, ctx.lookup.timezone),
  endsAt: isoToZoned(s.endsAt, ctx.lookup.timezone),
  place: s.place ?? '',
  groupId: s.groupId ?? '',
  unitIds: s.unitIds,
});

/** Their version of each field, except where this person changed it from the version they started on. */
export const keepEdits = (mine: Draft, started: Draft, theirs: Draft): Draft => {
  const merged = { ...theirs };
  for (const key of Object.keys(theirs) as (keyof Draft)[]) {
    if (JSON.stringify(mine[key]) !== JSON.stringify(started[key])) (merged as Record<keyof Draft, unknown>)[key] = mine[key];
  }
  return merged;
};
