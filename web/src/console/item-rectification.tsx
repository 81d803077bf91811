/**
 * The rectification (整改) on the item page (API.md v2 "Rectification"): the plan, its progress
 * and verification; the plan form (the item's group or the office, while there is none or it is
 * planned or returned), the progress form (also the unit's liaison, while the unit owes work) and
 * the verification form (group or office, once it is handed over). Changes go through the item
 * page's `mutate` (If-Match, a 412 reloads).
 */
import { useState } from 'preact/hooks';
import { rectificationPlanBody, rectificationProgressBody, rectificationVerificationBody } from '../../../shared/schemas/rectification';
import type { ItemView } from '../../../shared/schemas/staff';
import { AttachmentList, AttachmentPicker, attachmentTexts, type PresignedUpload } from '../lib/attachments';
import { validated, type ApiResult, type FieldErrors } from '../lib/api';
import { formatDateTime } from '../lib/i18n';
import { translateMessage } from '../lib/messages';
import { CharCount, describedBy, FieldError } from '../lib/ui';
import { unitName, type Ctx } from './context';
import { rectificationStatusName, rt } from './rectification-strings';

type Mutate = (path: string, body: unknown, done: () => string, method?: 'POST' | 'PUT' | 'DELETE') => Promise<{ ok: boolean; errors?: FieldErrors }>;

const localised = (message: string | undefined): string | undefined => (message === undefined ? undefined : translateMessage(message));

/** The unit still owes work: progress may be reported. */
const owesWork = (status: string) => status === 'planned' || status === 'in_progress' || status === 'returned';

export const RectificationPanel = (props: {
  ctx: Ctx;
  item: ItemView;
  busy: boolean;
  mutate: Mutate;
  link: (id: string) => Promise<ApiResult<{ url: string }>>;
}) => {
  const { ctx, item } = props;
  const rect = item.rectification;
  const staff = ctx.roles.office || (item.groupId !== undefined && ctx.roles.groups.includes(item.groupId));
  const liaison = rect !== undefined && ctx.roles.units.includes(rect.unitId);
  const canPlan = staff && !['rejected', 'merged'].includes(item.status) && (!rect || rect.status === 'planned' || rect.status === 'returned');
  if (!rect && !canPlan) return null;
  return (
    <section class="card" aria-labelledby="rectification-heading" id="rectification">
      <h2 id="rectification-heading">{rt('heading')}</h2>
      {rect ? (
        <>
          <p class="row">
            <span class={`badge rect-${rect.status}`} id="rectification-status">
              {rectificationStatusName(rect.status)}
            </span>
            {rect.overdue ? <span class="badge overdue">{rt('overdue')}</span> : null}
          </p>
          <dl class="facts">
            <dt>{rt('unit')}</dt>
            <dd id="rectification-unit">{unitName(ctx, rect.unitId)}</dd>
            <dt>{rt('measures')}</dt>
            <dd class="text">{rect.measures}</dd>
            <dt>{rt('standard')}</dt>
            <dd class="text">{rect.standard}</dd>
            <dt>{rt('deadline')}</dt>
            <dd id="rectification-deadline">{rect.deadline}</dd>
          </dl>
          <h3>{rt('progress')}</h3>
          {rect.progress.length === 0 ? (
            <p class="muted">{rt('noProgress')}</p>
          ) : (
            <ol class="history" id="rectification-progress">
              {rect.progress.map((p, i) => (
                <li key={i}>
                  <span class="muted">{formatDateTime(p.at)}</span> · {p.by.name}
                  {p.done ? rt('done') : ''}
                  <div class="text">{p.note}</div>
                  <AttachmentList attachments={p.attachments} link={props.link} />
                </li>
              ))}
            </ol>
          )}
          {rect.verification ? (
            <p id="rectification-verification">
              <strong>{rt('verification')}</strong>：{rect.verification.outcome === 'verified' ? rt('verified') : rt('returned')} · {rect.verification.by.name} ·{' '}
              {formatDateTime(rect.verification.at)}
              <span class="text"> {rect.verification.note}</span>
            </p>
          ) : null}
          {(staff || liaison) && owesWork(rect.status) ? <ProgressForm ctx={ctx} busy={props.busy} mutate={props.mutate} /> : null}
          {staff && rect.status === 'submitted' ? <VerificationForm busy={props.busy} mutate={props.mutate} /> : null}
        </>
      ) : null}
      {canPlan ? <PlanForm ctx={ctx} item={item} busy={props.busy} mutate={props.mutate} /> : null}
    </section>
  );
};

const TextField = (props: { id: string; label: string; value: string; max: number; error?: string; rows?: number; onInput: (v: string) => void }) => (
  <div class="field">
    <label for={props.id}>{props.label}</label>
    <textarea
      id={props.id}
      rows={props.rows ?? 3}
      value={props.value}
      aria-invalid={props.error ? true : undefined}
      aria-describedby={describedBy(`${props.id}-count`, props.error && `${props.id}-error`)}
      onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
    />
    <CharCount id={`${props.id}-count`} value={props.value} max={props.max} label={rt('chars')} />
    <FieldError id={`${props.id}-error`} message={localised(props.error)} />
  </div>
);

const PlanForm = (props: { ctx: Ctx; item: ItemView; busy: boolean; mutate: Mutate }) => {
  const rect = props.item.rectification;
  const [unitId, setUnitId] = useState(rect?.unitId ?? props.item.unitId ?? '');
  const [measures, setMeasures] = useState(rect?.measures ?? '');
  const [standard, setStandard] = useState(rect?.standard ?? '');
  const [deadline, setDeadline] = useState(rect?.deadline ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <details open={!rect}>
      <summary>{rect ? rt('replan') : rt('plan')}</summary>
      <form
        noValidate
        id="rectification-plan"
        onSubmit={async (e) => {
          e.preventDefault();
          const valid = validated(rectificationPlanBody, { unitId, measures, standard, deadline }, setErrors);
          if (!valid) return;
          setErrors((await props.mutate('/rectification', valid, () => rt('planned'), 'PUT')).errors ?? {});
        }}
      >
        <div class="field">
          <label for="rectification-unit-select">{rt('unit')}</label>
          <select
            id="rectification-unit-select"
            value={unitId}
            aria-invalid={errors.unitId ? true : undefined}
            onChange={(e) => setUnitId((e.target as HTMLSelectElement).value)}
          >
            <option value="">{rt('chooseUnit')}</option>
            {[...props.ctx.lookup.units.values()].map((u) => (
              <option value={u.id} key={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          <FieldError id="rectification-unit-error" message={localised(errors.unitId)} />
        </div>
        <TextField id="rectification-measures" label={rt('measures')} value={measures} max={2000} rows={4} error={errors.measures} onInput={setMeasures} />
        <TextField id="rectification-standard" label={rt('standard')} value={standard} max={500} error={errors.standard} onInput={setStandard} />
        <div class="field">
          <label for="rectification-deadline-input">{rt('deadline')}</label>
          <input
            type="date"
            id="rectification-deadline-input"
            value={deadline}
            aria-invalid={errors.deadline ? true : undefined}
            onInput={(e) => setDeadline((e.target as HTMLInputElement).value)}
          />
          <FieldError id="rectification-deadline-error" message={localised(errors.deadline)} />
        </div>
        <button type="submit" class="primary" disabled={props.busy}>
          {rt('savePlan')}
        </button>
      </form>
    </details>
  );
};

const ProgressForm = (props: { ctx: Ctx; busy: boolean; mutate: Mutate }) => {
  const [note, setNote] = useState('');
  const [done, setDone] = useState(false);
  const [files, setFiles] = useState<{ ids: string[]; busy: boolean }>({ ids: [], busy: false });
  const [filesReset, setFilesReset] = useState(0);
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <form
      noValidate
      id="rectification-progress-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (files.busy) {
          setErrors({ attachments: attachmentTexts('waitUploads') });
          return;
        }
        const valid = validated(rectificationProgressBody, { note, ...(done ? { done } : {}), ...(files.ids.length ? { attachmentIds: files.ids } : {}) }, setErrors);
        if (!valid) return;
        const result = await props.mutate('/rectification/progress', valid, () => rt('reported'));
        setErrors(result.errors ?? {});
        if (result.ok) {
          setNote('');
          setDone(false);
          setFilesReset((n) => n + 1);
        }
      }}
    >
      <h3>{rt('report')}</h3>
      <TextField id="rectification-note" label={rt('note')} value={note} max={2000} error={errors.note} onInput={setNote} />
      <AttachmentPicker
        id="rectification-files"
        max={10}
        documents
        resetKey={filesReset}
        presign={(declared) => props.ctx.api<PresignedUpload>('POST', '/api/attachments', { body: declared })}
        onChange={(ids, uploading) => setFiles({ ids, busy: uploading })}
      />
      <FieldError
        id="rectification-files-error"
        message={localised(errors.attachments ?? Object.entries(errors).find(([path]) => path.startsWith('attachmentIds'))?.[1])}
      />
      <label class="opt">
        <input type="checkbox" id="rectification-done" checked={done} onChange={(e) => setDone((e.target as HTMLInputElement).checked)} />
        {rt('doneBox')}
      </label>
      <button type="submit" class="primary" disabled={props.busy}>
        {rt('sendReport')}
      </button>
    </form>
  );
};

const VerificationForm = (props: { busy: boolean; mutate: Mutate }) => {
  const [outcome, setOutcome] = useState<'verified' | 'returned' | ''>('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <form
      noValidate
      id="rectification-verification-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const valid = validated(rectificationVerificationBody, { ...(outcome ? { outcome } : {}), note }, setErrors);
        if (!valid) return;
        setErrors((await props.mutate('/rectification/verification', valid, () => rt('decided'))).errors ?? {});
      }}
    >
      <h3>{rt('verify')}</h3>
      <fieldset id="rectification-outcome" aria-describedby={errors.outcome ? 'rectification-outcome-error' : undefined}>
        <legend>{rt('outcome')}</legend>
        {(['verified', 'returned'] as const).map((o) => (
          <label class="opt" key={o}>
            <input type="radio" name="rectification-outcome" id={`rectification-outcome-${o}`} checked={outcome === o} onChange={() => setOutcome(o)} />
            {o === 'verified' ? rt('verified') : rt('returned')}
          </label>
        ))}
        <FieldError id="rectification-outcome-error" message={localised(errors.outcome)} />
      </fieldset>
      <TextField id="rectification-verify-note" label={rt('verifyNote')} value={note} max={1000} error={errors.note} onInput={setNote} />
      <button type="submit" class="primary" disabled={props.busy}>
        {rt('sendVerification')}
      </button>
    </form>
  );
};
