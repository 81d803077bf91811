/**
 * One item: text, contact where allowed, replies, follow-ups, history; reply (public or internal),
 * assign, start, close, reject, merge, recommend. Every change sends `If-Match` with the version
 * shown; a 412 reloads the item and says so instead of overwriting someone else's change.
 */
import { useEffect, useState } from 'preact/hooks';
import { assignBody, replyBody, transitionBody, type ItemView } from '../../../shared/schemas/staff';
import { AttachmentList, AttachmentPicker, attachmentTexts, type PresignedUpload } from '../lib/attachments';
import { issuesToErrors, problemToErrors, validated, type ApiResult, type FieldErrors } from '../lib/api';
import { formatDate, formatDateTime, getLang } from '../lib/i18n';
import { problemText, said, translateMessage, type Said } from '../lib/messages';
import { kindName, openStatuses, satisfactionName, statusName } from '../lib/terms';
import { Banner, CharCount, describedBy, FieldError, requestTooLarge, tooLargeMessage } from '../lib/ui';
import { ConfirmedSubmit } from './confirm-step';
import { liaisonOnly } from './auth';
import { dueShown, groupName, unitName, type Ctx } from './context';
import { MergeForm } from './merge-form';
import { t } from './strings';
import { historyNote } from '../lib/history-notes';
import { lt } from './ladder-strings';
import { ExtensionPanel, extensionActionName } from './item-extension';
import { PublicationPanel, publicationActionName } from './item-publication';
import { RectificationPanel } from './item-rectification';
import { rectificationActionName } from './rectification-strings';

/** Drawn in the language of the moment (a language switch redraws it). */
type Notice = { kind: 'ok' | 'warn' | 'bad'; text: () => string } | null;

const isOpen = (status: string) => (openStatuses as string[]).includes(status);

const actionNames: Record<string, [string, string]> = {
  submit: ['提交', 'submitted'],
  assign: ['交办', 'assigned'],
  start: ['开始办理', 'started'],
  reply: ['答复', 'replied'],
  note: ['内部意见', 'internal note'],
  close: ['办结', 'closed'],
  reject: ['不予受理', 'rejected'],
  merge: ['合并', 'merged'],
  recommend: ['推荐', 'recommended'],
  unrecommend: ['取消推荐', 'recommendation withdrawn'],
  'follow-up': ['提交人补充', 'follow-up'],
  rate: ['提交人评价', 'rated'],
  overdue: ['超期', 'overdue'],
  urge: ['催办', 'urged'],
  remind: ['提醒', 'reminder'],
  'auto-close': ['自动办结', 'closed automatically'],
  'remove-contact': ['删除联系方式', 'contact details removed'],
};
const actionName = (action: string) => extensionActionName(action) ?? publicationActionName(action) ?? rectificationActionName(action) ?? actionNames[action]?.[getLang() === 'zh' ? 0 : 1] ?? action;

export const ItemPage = (props: { ctx: Ctx; id: string }) => {
  const { ctx } = props;
  const [item, setItem] = useState<ItemView | null>(null);
  const [loadError, setLoadError] = useState<Said | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const r = await ctx.api<ItemView>('GET', `/api/items/${encodeURIComponent(props.id)}`);
    if (r.ok) {
      setItem(r.json);
      setLoadError(null);
    } else setLoadError(said(() => (r.status === 404 ? t('notFound') : r.status === 403 ? t('forbidden') : r.status === 0 ? t('network') : problemText(r))));
  };

  useEffect(() => {
    void load();
  }, [props.id]);

  /**
   * Sends a change with If-Match: ok when it went through; field errors for a 400 (shown beside
   * the fields); otherwise a notice (412 reloads, 409, 403…) and the form keeps what was typed.
   */
  const mutate: Mutate = async (path, body, done, method = 'POST') => {
    if (!item || busy) return { ok: false };
    setBusy(true);
    setNotice(null);
    const r: ApiResult = await ctx.api(method, `/api/items/${encodeURIComponent(item.id)}${path}`, {
      body,
      headers: { 'If-Match': `"${item.version}"` },
    });
    setBusy(false);
    if (r.ok) {
      if (r.json && 'history' in r.json) setItem(r.json as ItemView);
      else await load();
      setNotice({ kind: 'ok', text: done });
      return { ok: true };
    }
    if (r.status === 412) {
      await load();
      setNotice({ kind: 'warn', text: () => t('conflict') });
      return { ok: false };
    }
    if (r.status === 409) {
      await load();
      setNotice({ kind: 'warn', text: () => (r.problem?.detail ? `${t('wrongStatus')} ${problemText(r)}` : t('wrongStatus')) });
      return { ok: false };
    }
    if (r.status === 400 && r.problem?.errors?.length) return { ok: false, errors: problemToErrors(r.problem) };
    setNotice({
      kind: 'bad',
      text: () => (r.status === 0 ? t('network') : r.status === 403 ? t('forbidden') : problemText(r)),
    });
    return { ok: false };
  };

  if (loadError) {
    return (
      <>
        <p>
          <a href="#/items">← {t('back')}</a>
        </p>
        <Banner kind="bad">{loadError.text()}</Banner>
      </>
    );
  }
  if (!item) return <p role="status">{t('loading')}</p>;

  const canAct = ctx.roles.office || (item.groupId !== undefined && ctx.roles.groups.includes(item.groupId));
  const office = ctx.roles.office;
  // As the API decides (shared/domain/access.ts canSeeContact): the office and the item's own group.
  const seesContact = office || (item.groupId !== undefined && ctx.roles.groups.includes(item.groupId));

  return (
    <>
      <p>
        <a href="#/items">← {t('back')}</a>
      </p>
      {notice ? <Banner kind={notice.kind}>{notice.text()}</Banner> : null}
      <div class="grid2 grid-item">
        <div>
          <section class="card" aria-labelledby="item-title">
            <p class="muted small">
              <span lang="en">{item.trackingCode}</span> · {kindName(item.kind)}
            </p>
            <h1 id="item-title">{item.title}</h1>
            <p class="row">
              <span class={`badge status-${item.status}`} id="item-status">
                {statusName(item.status)}
              </span>
              {item.overdue ? <span class="badge overdue">{t('overdue')}</span> : null}
              {item.urgedAt ? <span class="badge overdue urged">{lt('urged')}</span> : null}
              {item.recommended ? <span class="badge rec">{t('recommended')}</span> : null}
            </p>
            <p class="text" id="item-body">
              {item.body}
            </p>
            <AttachmentList attachments={item.attachments} link={attachmentLink(ctx, item.id)} />
            <dl class="kv">
              <dt>{t('colUnit')}</dt>
              <dd>{unitName(ctx, item.unitId) || '—'}</dd>
              <dt>{t('colGroup')}</dt>
              <dd>{item.groupId ? groupName(ctx, item.groupId) : t('officeQueue')}</dd>
              <dt>{t('submittedAt')}</dt>
              <dd>{formatDateTime(item.createdAt)}</dd>
              {dueShown(item.status) ? (
                <>
                  <dt>{t('due')}</dt>
                  <dd id="item-due">{item.dueAt ? formatDate(item.dueAt) : '—'}</dd>
                </>
              ) : null}
              <dt>{t('phase')}</dt>
              <dd>{ctx.lookup.phases.find((p) => p.id === item.phase)?.name ?? item.phase}</dd>
              <dt>{t('source')}</dt>
              <dd id="item-source">
                {t(item.source === 'session' ? 'sourceSession' : item.source === 'meeting' ? 'sourceMeeting' : 'sourceForm')}
                {item.answeredOnSpot ? ` · ${t('answeredOnSpot')}` : ''}
                {item.sessionCode ? (
                  <>
                    {' · '}
                    <a href={`#/session/${encodeURIComponent(item.sessionCode)}`} lang="en">
                      {item.sessionCode}
                    </a>
                  </>
                ) : null}
              </dd>
              {item.rating ? (
                <>
                  <dt>{t('rating')}</dt>
                  <dd>
                    <span aria-hidden="true">{'★'.repeat(item.rating)}</span>
                    <span class="sr-only">{item.rating}</span> ({item.rating}/5)
                  </dd>
                </>
              ) : null}
              {item.satisfaction ? (
                <>
                  <dt>{t('satisfaction')}</dt>
                  <dd>{satisfactionName(item.satisfaction)}</dd>
                </>
              ) : null}
              {item.rejectedReason ? (
                <>
                  <dt>{t('rejectedReason')}</dt>
                  <dd>{item.rejectedReason}</dd>
                </>
              ) : null}
              {item.mergedInto ? (
                <>
                  <dt>{t('mergedInto')}</dt>
                  <dd>
                    <a href={`#/item/${encodeURIComponent(item.mergedInto)}`}>{item.mergedInto}</a>
                  </dd>
                </>
              ) : null}
              <dt>{t('contact')}</dt>
              <dd id="item-contact">
                {item.contact && (item.contact.name || item.contact.email || item.contact.phone) ? (
                  <>
                    {item.contact.name ? <div>{`${t('contactName')}: ${item.contact.name}`}</div> : null}
                    {item.contact.email ? <div>{`${t('contactEmail')}: ${item.contact.email}`}</div> : null}
                    {item.contact.phone ? <div>{`${t('contactPhone')}: ${item.contact.phone}`}</div> : null}
                  </>
                ) : seesContact ? (
                  t('contactNone')
                ) : (
                  t('contactHidden')
                )}
              </dd>
            </dl>
          </section>

          <section class="card" aria-labelledby="replies-heading">
            <h2 id="replies-heading">{t('replies')}</h2>
            <Thread item={item} link={attachmentLink(ctx, item.id)} />
          </section>
        </div>

        <div>
          {/* A unit's liaison acts on the rectification only (its panel below). */}
          <section class="card" aria-labelledby="actions-heading" hidden={liaisonOnly(ctx.roles)}>
            <h2 id="actions-heading">{t('actions')}</h2>
            {canAct ? (
              <div class="actions">
                <ReplyForm ctx={ctx} busy={busy} mutate={mutate} />
                {office && isOpen(item.status) ? <AssignForm ctx={ctx} item={item} busy={busy} mutate={mutate} /> : null}
                <div class="row">
                  {(item.status === 'assigned' || item.status === 'reopened') ? (
                    <button type="button" disabled={busy} onClick={() => void mutate('/transition', { action: 'start' }, () => t('started'))}>
                      {t('start')}
                    </button>
                  ) : null}
                  {office && item.status === 'answered' ? (
                    <button type="button" disabled={busy} onClick={() => void mutate('/transition', { action: 'close' }, () => t('closed'))}>
                      {t('close')}
                    </button>
                  ) : null}
                  {item.kind === 'practice' ? (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void mutate('/transition', { action: item.recommended ? 'unrecommend' : 'recommend' }, () => t('recommendedDone'))}
                    >
                      {item.recommended ? t('unrecommend') : t('recommend')}
                    </button>
                  ) : null}
                </div>
                {office && isOpen(item.status) ? <RejectForm busy={busy} mutate={mutate} /> : null}
                {office && isOpen(item.status) ? <MergeForm ctx={ctx} item={item} busy={busy} mutate={mutate} /> : null}
              </div>
            ) : (
              <p class="muted">{t('readOnly')}</p>
            )}
          </section>

          <ExtensionPanel item={item} office={office} canAct={canAct} busy={busy} mutate={mutate} />
          <PublicationPanel item={item} office={office} busy={busy} mutate={mutate} />
          <RectificationPanel ctx={ctx} item={item} busy={busy} mutate={mutate} link={attachmentLink(ctx, item.id)} />

          <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{t('history')}</h2>
            <ol class="history" id="history">
              {item.history.map((h, i) => (
                <li key={i}>
                  <span class="muted">{formatDateTime(h.at)}</span> · {h.by.name} · {actionName(h.action)}
                  {h.from || h.to ? ` (${h.from ? statusName(h.from) : ''} → ${h.to ? statusName(h.to) : ''})` : ''}
                  {h.note ? <div class="text">{historyNote(h.action, h.note, (id) => groupName(ctx, id))}</div> : null}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </>
  );
};

/** The signed URL of one of the item's files, asked for with the staff token (never in a URL). */
const attachmentLink = (ctx: Ctx, id: string) => (attachmentId: string) =>
  ctx.api<{ url: string }>('GET', `/api/items/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`);

const Thread = (props: { item: ItemView; link: ReturnType<typeof attachmentLink> }) => {
  const entries = [
    ...props.item.replies.map((r) => ({
      at: r.createdAt,
      body: r.body,
      cls: r.visibility === 'public' ? 'reply' : 'internal',
      who: `${r.visibility === 'public' ? t('public') : t('internal')} · ${r.by.name}`,
      key: r.id,
      attachments: r.attachments,
    })),
    ...props.item.followUps.map((f, i) => ({ at: f.createdAt, body: f.body, cls: 'mine', who: t('followUp'), key: `f${i}`, attachments: f.attachments })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (!entries.length) return <p class="muted">{t('noReplies')}</p>;
  return (
    <ul class="conversation" id="thread">
      {entries.map((e) => (
        <li class={e.cls} key={e.key}>
          <div class="who">
            {e.who} <span class="muted small">· {formatDateTime(e.at)}</span>
          </div>
          <p class="text">{e.body}</p>
          <AttachmentList attachments={e.attachments} link={props.link} />
        </li>
      ))}
    </ul>
  );
};

type Mutate = (path: string, body: unknown, done: () => string, method?: 'POST' | 'PUT' | 'DELETE') => Promise<{ ok: boolean; errors?: FieldErrors }>;

/** A field's error in the page's language, drawn at render (errors are kept as the server said them). */
const localised = (message: string | undefined): string | undefined => (message === undefined ? undefined : translateMessage(message));

const ReplyForm = (props: { ctx: Ctx; busy: boolean; mutate: Mutate }) => {
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<{ ids: string[]; busy: boolean }>({ ids: [], busy: false });
  const [filesReset, setFilesReset] = useState(0);
  // No default: a public reply reaches the submitter, so the person chooses every time.
  const [visibility, setVisibility] = useState<'public' | 'internal' | ''>('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [noVisibility, setNoVisibility] = useState(false);
  return (
    <form
      noValidate
      id="reply-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const parsed = replyBody.safeParse({ body, ...(visibility ? { visibility } : {}), ...(files.ids.length ? { attachmentIds: files.ids } : {}) });
        setNoVisibility(!visibility);
        if (files.busy) {
          setErrors({ attachments: attachmentTexts('waitUploads') });
          return;
        }
        if (!parsed.success) {
          setErrors(issuesToErrors(parsed.error.issues));
          document.getElementById(parsed.error.issues.some((i) => i.path[0] === 'body') ? 'reply-body' : 'visibility-public')?.focus();
          return;
        }
        // The characters may fit while the bytes do not (emoji): said here, not by a 413.
        if (requestTooLarge(parsed.data)) {
          setErrors({ body: tooLargeMessage });
          document.getElementById('reply-body')?.focus();
          return;
        }
        const result = await props.mutate('/replies', parsed.data, () => t('sent'));
        setErrors(result.errors ?? {});
        // Cleared once sent (the next one is chosen anew); kept when it did not happen (412/409), so nothing typed is lost.
        if (result.ok) {
          setBody('');
          setVisibility('');
          setFilesReset((n) => n + 1);
        }
      }}
    >
      <div class="field">
        <label for="reply-body">{t('replyLabel')}</label>
        <textarea
          id="reply-body"
          rows={5}
          value={body}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={describedBy('reply-count', errors.body && 'reply-error')}
          onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
        />
        <CharCount id="reply-count" value={body} max={5000} label={t('chars')} tooLarge={requestTooLarge({ body, visibility: 'internal' })} />
        <FieldError id="reply-error" message={localised(errors.body)} />
      </div>
      <fieldset id="reply-visibility" aria-describedby={noVisibility ? 'visibility-error' : undefined}>
        <legend>{t('replyVisibility')}</legend>
        {(['public', 'internal'] as const).map((v) => (
          <label class="opt" key={v}>
            <input
              type="radio"
              name="visibility"
              id={`visibility-${v}`}
              required
              aria-invalid={noVisibility ? true : undefined}
              checked={visibility === v}
              onChange={() => {
                setVisibility(v);
                setNoVisibility(false);
              }}
            />
            {v === 'public' ? t('replyPublic') : t('replyInternal')}
          </label>
        ))}
        <FieldError id="visibility-error" message={noVisibility ? t('visibilityRequired') : undefined} />
      </fieldset>
      <AttachmentPicker
        id="reply-files"
        max={5}
        documents
        resetKey={filesReset}
        presign={(declared) => props.ctx.api<PresignedUpload>('POST', '/api/attachments', { body: declared })}
        onChange={(ids, uploading) => setFiles({ ids, busy: uploading })}
      />
      <FieldError
        id="reply-files-error"
        message={localised(errors.attachments ?? Object.entries(errors).find(([path]) => path.startsWith('attachmentIds'))?.[1])}
      />
      <button type="submit" class="primary" disabled={props.busy}>
        {t('send')}
      </button>
    </form>
  );
};

const AssignForm = (props: { ctx: Ctx; item: ItemView; busy: boolean; mutate: Mutate }) => {
  const [groupId, setGroupId] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <details open={props.item.status === 'submitted'}>
      <summary>{t('assign')}</summary>
      <form
        noValidate
        id="assign-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const valid = validated(assignBody, { groupId: groupId || undefined, ...(note ? { note } : {}) }, setErrors);
          if (!valid) return;
          const result = await props.mutate('/assign', valid, () => t('assigned'));
          setErrors(result.errors ?? {});
          if (result.ok) setNote('');
        }}
      >
        <div class="field">
          <label for="assign-group">{t('assignTo')}</label>
          <select
            id="assign-group"
            value={groupId}
            aria-invalid={errors.groupId ? true : undefined}
            aria-describedby={errors.groupId ? 'assign-group-error' : undefined}
            onChange={(e) => setGroupId((e.target as HTMLSelectElement).value)}
          >
            <option value="">{t('choose')}</option>
            {props.ctx.lookup.groups.map((g) => (
              <option value={g.id} key={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <FieldError id="assign-group-error" message={errors.groupId && t('choose')} />
        </div>
        <div class="field">
          <label for="assign-note">{t('assignNote')}</label>
          <input
            type="text"
            id="assign-note"
            value={note}
            aria-invalid={errors.note ? true : undefined}
            aria-describedby={errors.note ? 'assign-note-error' : undefined}
            onInput={(e) => setNote((e.target as HTMLInputElement).value)}
          />
          <FieldError id="assign-note-error" message={localised(errors.note)} />
        </div>
        <button type="submit" class="primary" disabled={props.busy}>
          {t('assign')}
        </button>
      </form>
    </details>
  );
};

/** Rejecting: a reason the submitter will read, then a confirmation (it cannot be undone). */
const RejectForm = (props: { busy: boolean; mutate: Mutate }) => {
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [confirming, setConfirming] = useState(false);
  const body = { action: 'reject', ...(reason ? { reason } : {}) };
  const error = errors.reason ?? errors[''];
  return (
    <details>
      <summary>{t('reject')}</summary>
      <form
        noValidate
        id="reject-form"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = transitionBody.safeParse(body);
          setErrors(parsed.success ? {} : issuesToErrors(parsed.error.issues));
          setConfirming(parsed.success);
        }}
      >
        <div class="field">
          <label for="reject-reason">{t('rejectReason')}</label>
          <textarea
            id="reject-reason"
            rows={3}
            value={reason}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'reject-reason-error' : undefined}
            onInput={(e) => {
              setReason((e.target as HTMLTextAreaElement).value);
              setConfirming(false);
            }}
          />
          <FieldError id="reject-reason-error" message={localised(error)} />
        </div>
        <ConfirmedSubmit
          id="reject"
          label={t('reject')}
          question={t('rejectAsk')}
          confirm={t('rejectConfirm')}
          confirming={confirming}
          busy={props.busy}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setErrors((await props.mutate('/transition', body, () => t('rejected'))).errors ?? {});
            setConfirming(false);
          }}
        />
      </form>
    </details>
  );
};
