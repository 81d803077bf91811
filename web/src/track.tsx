/**
 * The tracking page (`/track`): code and key typed in, or taken from the receipt's link
 * (`/track#YJ-XXXX-XXXX.key`: the fragment never reaches a server). Status as a timeline, the
 * replies, a follow-up box, and the satisfaction choice once answered.
 */
import './styles.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { followUpBody, ratingBody, type PublicSubmissionView, type Resolved, type Satisfaction } from '../../shared/schemas/submission';
import { AttachmentList } from './lib/attachments';
import { apiRequest, validated, problemToErrors, type FieldErrors } from './lib/api';
import { dictionary, formatDate, formatDateTime, getLang, setCampaignTimeZone, useLang } from './lib/i18n';
import { problemText, said, translateMessage, type Said } from './lib/messages';
import { prepareProof, publicWrite } from './lib/room';
import { kindName, openStatuses, resolvedIds, resolvedName, satisfactionIds, satisfactionName, statusName } from './lib/terms';
import { normalizeAccessKey, normalizeTrackingCode, parseReceiptFragment } from './lib/tracking-code';
import { Banner, CharCount, describedBy, FieldError, TopBar } from './lib/ui';
import { rectificationStatusLabels } from '../../shared/domain/labels';
import type { RectificationStatus } from '../../shared/domain/rectification';

const t = dictionary(
  {
    brand: '意见箱',
    heading: '查询办理进度',
    intro: '输入提交时得到的查询码和密钥。',
    code: '查询码',
    codeHint: '例如 YJ-7K3M-Q9TX，大小写和横线都可以不管。',
    key: '查询密钥',
    lookup: '查询',
    looking: '正在查询…',
    badCode: '查询码应为 8 位字母和数字，例如 YJ-7K3M-Q9TX。',
    needKey: '请填写查询密钥。',
    notFound: '没有找到：查询码或密钥不正确。',
    network: '网络连接失败，请稍后再试。',
    yourItem: '您提交的内容',
    kind: '类别',
    unit: '涉及单位',
    status: '当前状态',
    progress: '办理进度',
    stepSubmitted: '已提交',
    stepAssigned: '已交由{group}办理',
    stepTriage: '等待领导小组办公室分办',
    stepAssignedTodo: '交办',
    stepDue: '答复期限',
    extended: '期限已延长 {days} 个工作日（原为 {from}）。理由：{reason}',
    stepDueOverdue: '已超过答复期限，正在督办',
    stepAnswered: '已答复',
    stepAnsweredTodo: '答复',
    stepReopened: '已退回重新办理',
    stepReopenedByFollowUp: '收到您的补充，重新办理',
    stepRated: '您的评价：{s}',
    stepAutoClosed: '未评价，到期自动办结',
    stepClosed: '已办结',
    stepClosedTodo: '办结',
    stepRejected: '不予受理',
    stepMerged: '已与相同事项合并',
    mergedInto: '合并到 {code}，请以该事项的答复为准。',
    mergedHeading: '合并后事项的办理情况',
    mergedStatus: '{code} 的状态',
    mergedNoReplies: '该事项还没有答复。答复后会显示在这里，您也可以评价。',
    mergedRatingHint: '您的评价会记录在您提交的事项上，供办理单位改进；合并后的事项不会因此退回。',
    reason: '理由：{reason}',
    done: '已完成',
    current: '进行中',
    todo: '未开始',
    ended: '已结束',
    overdueState: '已超期',
    conversation: '答复与补充',
    noReplies: '还没有答复。答复后会显示在这里。',
    rectification: '整改情况',
    rectificationState: '责任单位整改：{status}（整改时限 {deadline}）',
    signedOff: '{at} 经督导组核查，整改到位，予以销号：',
    replyBy: '{group}的答复',
    replyFallback: '答复',
    mine: '您的补充',
    followUp: '补充说明或追问',
    followUpHint: '对答复不满意、或有新情况，可以在这里补充。',
    followUpSend: '发送补充',
    followUpSent: '已收到您的补充。',
    chars: '字数',
    satisfaction: '您对答复满意吗？',
    satisfactionHint: '选择“不满意”后，事项将退回重新办理。',
    resolved: '问题解决了吗？',
    resolvedHint: '可选。',
    comment: '意见（可选）',
    rate: '提交评价',
    rated: '您的评价：{s}',
    thanks: '谢谢您的评价。',
    conflict: '这个事项的状态刚刚变了，已为您刷新。',
    stale: '页面已刷新为最新状态。',
    submitAnother: '提交新的意见',
  },
  {
    brand: 'Yijian',
    heading: 'Track an item',
    intro: 'Enter the tracking code and key from your receipt.',
    code: 'Tracking code',
    codeHint: 'For example YJ-7K3M-Q9TX; case and dashes do not matter.',
    key: 'Access key',
    lookup: 'Look up',
    looking: 'Looking up…',
    badCode: 'A tracking code has 8 letters and digits, for example YJ-7K3M-Q9TX.',
    needKey: 'Enter the access key.',
    notFound: 'Not found: the code or the key is wrong.',
    network: 'The network failed; try again in a moment.',
    yourItem: 'What you submitted',
    kind: 'Kind',
    unit: 'Unit',
    status: 'Status',
    progress: 'Progress',
    stepSubmitted: 'Submitted',
    stepAssigned: 'Assigned to {group}',
    stepTriage: 'Waiting for the campaign office to assign it',
    stepAssignedTodo: 'Assignment',
    stepDue: 'Answer due',
    extended: 'Extended by {days} working days (was {from}). Reason: {reason}',
    stepDueOverdue: 'The answer is overdue; the office is pressing for it',
    stepAnswered: 'Answered',
    stepAnsweredTodo: 'Answer',
    stepReopened: 'Sent back to be handled again',
    stepReopenedByFollowUp: 'Your follow-up reopened it',
    stepRated: 'Your rating: {s}',
    stepAutoClosed: 'Closed without a rating',
    stepClosed: 'Closed',
    stepClosedTodo: 'Closing',
    stepRejected: 'Rejected',
    stepMerged: 'Merged with the same item',
    mergedInto: 'Merged into {code}; its answer applies.',
    mergedHeading: 'The item yours was merged into',
    mergedStatus: 'Status of {code}',
    mergedNoReplies: 'That item has no answer yet. It will show here, and you may rate it.',
    mergedRatingHint: 'Your rating is kept with your own item for the group to learn from; the merged item is not sent back by it.',
    reason: 'Reason: {reason}',
    done: 'done',
    current: 'in progress',
    todo: 'not yet',
    ended: 'ended',
    overdueState: 'overdue',
    conversation: 'Replies and follow-ups',
    noReplies: 'No reply yet. It will show here.',
    rectification: 'Rectification',
    rectificationState: 'The unit’s rectification: {status} (deadline {deadline})',
    signedOff: 'Checked on {at} by the supervision group and signed off:',
    replyBy: 'Reply from {group}',
    replyFallback: 'Reply',
    mine: 'Your follow-up',
    followUp: 'Follow up or ask again',
    followUpHint: 'Not satisfied with the answer, or something new? Add it here.',
    followUpSend: 'Send follow-up',
    followUpSent: 'Your follow-up was received.',
    chars: 'Characters',
    satisfaction: 'Are you satisfied with the answer?',
    satisfactionHint: '“Unsatisfied” sends the item back to be handled again.',
    resolved: 'Was your problem resolved?',
    resolvedHint: 'Optional.',
    comment: 'Comment (optional)',
    rate: 'Send rating',
    rated: 'Your rating: {s}',
    thanks: 'Thank you for your rating.',
    conflict: 'The item changed a moment ago; it has been refreshed.',
    stale: 'The page shows the latest state.',
    submitAnother: 'Submit a new opinion',
  },
);

type View = PublicSubmissionView;
type StepState = 'done' | 'current' | 'todo' | 'bad';
interface Step {
  state: StepState;
  label: string;
  /** What a screen reader hears after the label (the state in words). */
  said: string;
  when?: string;
  note?: string;
  /** For tests and styles: submitted, assigned, answered, rated, reopened, due, closed, rejected, merged. */
  kind: string;
}

/**
 * The item's way so far, one answer cycle after another: each answer, each rating (an unsatisfied
 * one reopens the item), each follow-up that reopened an answered or closed item; then what is
 * still to come. A rejected or merged item ends where it ended.
 */
const stepsFor = (v: View): Step[] => {
  const open = (openStatuses as string[]).includes(v.status);
  const step = (kind: string, state: StepState, label: string, extra: Partial<Step> = {}): Step => ({
    kind,
    state,
    label,
    said: state === 'done' ? t('done') : state === 'todo' ? t('todo') : state === 'current' ? t('current') : t('ended'),
    ...extra,
  });
  const steps: Step[] = [step('submitted', 'done', t('stepSubmitted'), { when: formatDateTime(v.createdAt) })];
  if (v.group) steps.push(step('assigned', 'done', t('stepAssigned', { group: v.group.name })));
  else if (v.status === 'submitted') steps.push(step('assigned', 'current', t('stepTriage')));
  if (v.status === 'rejected') return [...steps, step('rejected', 'bad', t('stepRejected'), { note: v.rejectedReason ? t('reason', { reason: v.rejectedReason }) : undefined })];
  if (v.status === 'merged') {
    // The merged item's own ratings are of the answers of the item it was merged into.
    const rated = (v.ratings ?? []).map((r) => step('rated', 'done', t('stepRated', { s: satisfactionName(r.satisfaction) }), { when: formatDateTime(r.createdAt) }));
    return [...steps, step('merged', 'bad', t('stepMerged'), { note: v.mergedInto ? t('mergedInto', { code: v.mergedInto.trackingCode }) : undefined }), ...rated];
  }

  const ratings = v.ratings ?? [];
  const ratedAt = new Set(ratings.map((r) => r.createdAt));
  const events = [
    ...v.replies.map((r) => ({ at: r.createdAt, type: 'reply' as const })),
    ...ratings.map((r) => ({ at: r.createdAt, type: 'rating' as const, satisfaction: r.satisfaction })),
    // An unsatisfied rating's comment is kept as a follow-up at the rating's time: the rating says it.
    ...v.followUps.filter((f) => !ratedAt.has(f.createdAt)).map((f) => ({ at: f.createdAt, type: 'follow-up' as const })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  let cycle: 'open' | 'answered' | 'closed' = 'open';
  for (const e of events) {
    if (e.type === 'reply' && cycle === 'open') {
      steps.push(step('answered', 'done', t('stepAnswered'), { when: formatDateTime(e.at) }));
      cycle = 'answered';
    } else if (e.type === 'rating') {
      steps.push(step('rated', 'done', t('stepRated', { s: satisfactionName(e.satisfaction) }), { when: formatDateTime(e.at) }));
      if (e.satisfaction === 'unsatisfied') steps.push(step('reopened', 'done', t('stepReopened')));
      cycle = e.satisfaction === 'unsatisfied' ? 'open' : 'closed';
    } else if (e.type === 'follow-up' && cycle !== 'open') {
      steps.push(step('reopened', 'done', t('stepReopenedByFollowUp'), { when: formatDateTime(e.at) }));
      cycle = 'open';
    }
  }
  if (open) {
    if (v.dueAt) {
      const overdue = new Date(v.dueAt).getTime() < Date.now();
      // An approved extension: the new date, and by how much and why (API.md v2).
      const note = v.extension ? t('extended', { days: v.extension.workingDays, from: formatDate(v.extension.previousDueAt), reason: v.extension.reason }) : undefined;
      steps.push(step('due', overdue ? 'bad' : 'current', overdue ? t('stepDueOverdue') : t('stepDue'), { when: formatDate(v.dueAt), ...(overdue ? { said: t('overdueState') } : {}), ...(note ? { note } : {}) }));
    }
    steps.push(step('answered', 'todo', t('stepAnsweredTodo')));
  }
  if (v.status === 'closed') steps.push(step('closed', 'done', cycle === 'closed' ? t('stepClosed') : t('stepAutoClosed')));
  else steps.push(step('closed', 'todo', t('stepClosedTodo')));
  return steps;
};

const rectificationName = (status: RectificationStatus) => rectificationStatusLabels[status][getLang() === 'zh' ? 0 : 1];

const Timeline = (props: { view: View }) => (
  <ol class="timeline" aria-label={t('progress')}>
    {stepsFor(props.view).map((s, i) => (
      <li class={s.state} key={i} data-step={s.kind} aria-current={s.state === 'current' ? 'step' : undefined}>
        <span class="dot" aria-hidden="true">
          {s.state === 'done' ? '✓' : s.state === 'bad' ? '!' : ''}
        </span>
        <span class="step">{s.label}</span>
        <span class="sr-only"> ({s.said})</span>
        {s.when ? <div class="when">{s.when}</div> : null}
        {s.note ? <div class="text">{s.note}</div> : null}
      </li>
    ))}
  </ol>
);

/** The signed URL of one of this item's files, asked for with the key in a header (never in a URL). */
const attachmentLink = (code: string, accessKey: string) => (id: string) =>
  apiRequest<{ url: string }>('GET', `/api/submissions/${encodeURIComponent(code)}/attachments/${encodeURIComponent(id)}`, { headers: { 'X-Access-Key': accessKey } });

const Conversation = (props: { view: View; link: (id: string) => ReturnType<ReturnType<typeof attachmentLink>> }) => {
  const entries = [
    ...props.view.replies.map((r) => ({ type: 'reply' as const, at: r.createdAt, body: r.body, who: r.by.groupName, key: r.id, attachments: r.attachments })),
    ...props.view.followUps.map((f, i) => ({ type: 'mine' as const, at: f.createdAt, body: f.body, who: '', key: `f${i}`, attachments: f.attachments })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  // "An answer will show here" only where one may still come.
  if (!entries.length) return (openStatuses as string[]).includes(props.view.status) ? <p class="muted">{t('noReplies')}</p> : null;
  return (
    <ul class="conversation" id="conversation">
      {entries.map((e) => (
        <li class={e.type} key={e.key}>
          <div class="who">
            {e.type === 'reply' ? (e.who ? t('replyBy', { group: e.who }) : t('replyFallback')) : t('mine')}
            <span class="muted small"> · {formatDateTime(e.at)}</span>
          </div>
          <p class="text">{e.body}</p>
          <AttachmentList attachments={e.attachments} link={props.link} />
        </li>
      ))}
    </ul>
  );
};

const FollowUp = (props: { code: string; accessKey: string; onDone: (message: Said) => void }) => {
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const valid = validated(followUpBody, { body }, setErrors);
    if (!valid) {
      document.getElementById('follow-up')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await publicWrite('POST', `/api/submissions/${encodeURIComponent(props.code)}/follow-ups`, {
      body: valid,
      headers: { 'X-Access-Key': props.accessKey },
    });
    setBusy(false);
    if (r.status === 201) {
      setBody('');
      setErrors({});
      props.onDone(said(() => t('followUpSent')));
    } else if (r.status === 400 && r.problem?.errors?.length) setErrors(problemToErrors(r.problem));
    else if (r.status === 409) props.onDone(said(() => t('conflict')));
    else setError(said(() => (r.status === 0 ? t('network') : problemText(r))));
  };
  return (
    <form class="card" noValidate onSubmit={send} onFocusIn={prepareProof} onInput={prepareProof}>
      <div class="field">
        <label for="follow-up">{t('followUp')}</label>
        <textarea
          id="follow-up"
          rows={4}
          value={body}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={describedBy('follow-up-hint', 'follow-up-count', errors.body && 'follow-up-error')}
          onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
        />
        <p class="hint" id="follow-up-hint">
          {t('followUpHint')}
        </p>
        <CharCount id="follow-up-count" value={body} max={2000} label={t('chars')} />
        <FieldError id="follow-up-error" message={errors.body && translateMessage(errors.body)} />
      </div>
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      <button type="submit" disabled={busy}>
        {t('followUpSend')}
      </button>
    </form>
  );
};

/** One answer of a few, as radio buttons (`<name>-<id>` ids). */
const Choices = <T extends string>(props: { name: string; ids: readonly T[]; label: (id: T) => string; chosen: T | ''; choose: (id: T) => void }) => (
  <div class="choices">
    {props.ids.map((id) => (
      <label class="choice" key={id}>
        <input type="radio" name={props.name} id={`${props.name}-${id}`} value={id} checked={props.chosen === id} onChange={() => props.choose(id)} />
        <span class="name">{props.label(id)}</span>
      </label>
    ))}
  </div>
);

/** A merged item: the status and public replies of the item it now stands for (API.md v2, "Merged items"). */
const MergedTarget = (props: { target: NonNullable<View['mergedInto']> }) => (
  <section class="card" aria-labelledby="merged-heading" id="merged-target">
    <h2 id="merged-heading">{t('mergedHeading')}</h2>
    <dl class="kv">
      <dt>{t('mergedStatus', { code: props.target.trackingCode })}</dt>
      <dd>
        <span class={`badge status-${props.target.status}`} id="merged-status">
          {statusName(props.target.status)}
        </span>
      </dd>
    </dl>
    {props.target.replies.length ? (
      <ul class="conversation" id="merged-replies">
        {props.target.replies.map((r) => (
          <li class="reply" key={r.id}>
            <div class="who">
              {r.by.groupName ? t('replyBy', { group: r.by.groupName }) : t('replyFallback')}
              <span class="muted small"> · {formatDateTime(r.createdAt)}</span>
            </div>
            <p class="text">{r.body}</p>
          </li>
        ))}
      </ul>
    ) : (
      <p class="muted">{t('mergedNoReplies')}</p>
    )}
  </section>
);

const Rating = (props: { code: string; accessKey: string; onDone: (message: Said) => void; hint?: string }) => {
  const [choice, setChoice] = useState<Satisfaction | ''>('');
  const [resolved, setResolved] = useState<Resolved | ''>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const valid = validated(ratingBody, { satisfaction: choice || undefined, ...(resolved ? { resolved } : {}), ...(comment ? { comment } : {}) }, setErrors);
    if (!valid) return;
    setBusy(true);
    setError(null);
    const r = await publicWrite('POST', `/api/submissions/${encodeURIComponent(props.code)}/rating`, {
      body: valid,
      headers: { 'X-Access-Key': props.accessKey },
    });
    setBusy(false);
    if (r.ok) props.onDone(said(() => t('thanks')));
    else if (r.status === 400 && r.problem?.errors?.length) setErrors(problemToErrors(r.problem));
    else if (r.status === 409) props.onDone(said(() => t('conflict')));
    else setError(said(() => (r.status === 0 ? t('network') : problemText(r))));
  };
  return (
    <form class="card" noValidate onSubmit={send} onFocusIn={prepareProof} onInput={prepareProof} id="rating-form">
      <fieldset aria-describedby={describedBy('satisfaction-hint', errors.satisfaction && 'satisfaction-error')}>
        <legend>{t('satisfaction')}</legend>
        <Choices name="satisfaction" ids={satisfactionIds} label={satisfactionName} chosen={choice} choose={setChoice} />
        <p class="hint" id="satisfaction-hint">
          {props.hint ?? t('satisfactionHint')}
        </p>
        <FieldError id="satisfaction-error" message={errors.satisfaction && (choice ? translateMessage(errors.satisfaction) : t('satisfaction'))} />
      </fieldset>
      <fieldset aria-describedby="resolved-hint">
        <legend>{t('resolved')}</legend>
        <Choices name="resolved" ids={resolvedIds} label={resolvedName} chosen={resolved} choose={setResolved} />
        <p class="hint" id="resolved-hint">
          {t('resolvedHint')}
        </p>
      </fieldset>
      <div class="field">
        <label for="rating-comment">{t('comment')}</label>
        <textarea
          id="rating-comment"
          rows={3}
          value={comment}
          aria-invalid={errors.comment ? true : undefined}
          aria-describedby={errors.comment ? 'rating-comment-error' : undefined}
          onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
        />
        <FieldError id="rating-comment-error" message={errors.comment && translateMessage(errors.comment)} />
      </div>
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      <button type="submit" class="primary" disabled={busy}>
        {t('rate')}
      </button>
    </form>
  );
};

const App = () => {
  const lang = useLang();
  const initial = parseReceiptFragment(location.hash);
  const [code, setCode] = useState(initial?.code ?? '');
  const [key, setKey] = useState(initial?.key ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [view, setView] = useState<View | null>(null);
  const [active, setActive] = useState<{ code: string; key: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said | null>(null);
  const [notice, setNotice] = useState<Said | null>(null);
  const resultRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = lang === 'zh' ? '意见箱 · 查询办理进度' : 'Yijian · Track';
  }, [lang]);

  // Dates are shown in the campaign's zone, whatever the phone's: /api/form says which.
  const [, setTimeZone] = useState<string | null>(null);
  useEffect(() => {
    void apiRequest<{ campaign: { timezone?: string } }>('GET', '/api/form').then((r) => {
      if (!r.ok) return;
      setCampaignTimeZone(r.json.campaign.timezone);
      setTimeZone(r.json.campaign.timezone ?? null);
    });
  }, []);

  const lookup = async (rawCode: string, rawKey: string, focusResult: boolean) => {
    const normal = normalizeTrackingCode(rawCode);
    const errs: FieldErrors = {};
    if (!normal) errs.code = 'badCode';
    if (!rawKey.trim()) errs.key = 'needKey';
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(errs.code ? 'code' : 'key')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    // A key as typed or dictated (lower case, spaces, full-width) is sent in its canonical form; an old key as it is.
    const accessKey = normalizeAccessKey(rawKey) ?? rawKey.trim();
    const r = await apiRequest<View>('GET', `/api/submissions/${encodeURIComponent(normal!)}`, { headers: { 'X-Access-Key': accessKey } });
    setBusy(false);
    if (r.ok) {
      setCode(normal!);
      setView(r.json);
      setActive({ code: normal!, key: accessKey });
      if (focusResult) requestAnimationFrame(() => resultRef.current?.focus());
    } else {
      setView(null);
      setActive(null);
      setError(said(() => (r.status === 404 ? t('notFound') : r.status === 0 ? t('network') : problemText(r))));
    }
  };

  const refresh = async (message: Said) => {
    if (!active) return;
    await lookup(active.code, active.key, false);
    setNotice(message);
  };

  useEffect(() => {
    if (initial?.code && initial.key) void lookup(initial.code, initial.key, false);
    const onHash = () => {
      const next = parseReceiptFragment(location.hash);
      if (next?.code && next.key) {
        setCode(next.code);
        setKey(next.key);
        void lookup(next.code, next.key, true);
      }
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  return (
    <>
      <TopBar title={t('brand')} />
      <main>
        <h1>{t('heading')}</h1>
        <form
          class="card"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setNotice(null);
            void lookup(code, key, true);
          }}
        >
          <p class="muted">{t('intro')}</p>
          <div class="field">
            <label for="code">{t('code')}</label>
            <input
              type="text"
              id="code"
              value={code}
              autoComplete="off"
              autoCapitalize="characters"
              spellcheck={false}
              aria-invalid={errors.code ? true : undefined}
              aria-describedby={describedBy('code-hint', errors.code && 'code-error')}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <p class="hint" id="code-hint">
              {t('codeHint')}
            </p>
            <FieldError id="code-error" message={errors.code && t(errors.code as 'badCode')} />
          </div>
          <div class="field">
            <label for="key">{t('key')}</label>
            <input
              type="text"
              id="key"
              value={key}
              autoComplete="off"
              autoCapitalize="off"
              spellcheck={false}
              aria-invalid={errors.key ? true : undefined}
              aria-describedby={errors.key ? 'key-error' : undefined}
              onInput={(e) => setKey((e.target as HTMLInputElement).value)}
            />
            <FieldError id="key-error" message={errors.key && t(errors.key as 'needKey')} />
          </div>
          {error ? <Banner kind="bad">{error.text()}</Banner> : null}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('looking') : t('lookup')}
          </button>
        </form>

        {view && active ? (
          <div id="result">
            {notice ? <Banner kind="ok">{notice.text()}</Banner> : null}
            <section class="card" aria-labelledby="item-title">
              <p class="muted small">
                {t('yourItem')} · <span lang="en">{view.trackingCode}</span>
              </p>
              <h2 id="item-title" ref={resultRef} tabIndex={-1}>
                {view.title}
              </h2>
              <dl class="kv">
                <dt>{t('status')}</dt>
                <dd>
                  <span class={`badge status-${view.status}`} id="status">
                    {statusName(view.status)}
                  </span>
                </dd>
                <dt>{t('kind')}</dt>
                <dd>{kindName(view.kind)}</dd>
                {view.unit ? (
                  <>
                    <dt>{t('unit')}</dt>
                    <dd>{view.unit.name}</dd>
                  </>
                ) : null}
              </dl>
              <p class="text" id="item-body">
                {view.body}
              </p>
              <AttachmentList attachments={view.attachments} link={attachmentLink(active.code, active.key)} />
            </section>
            <section class="card" aria-labelledby="progress-heading">
              <h2 id="progress-heading">{t('progress')}</h2>
              <Timeline view={view} />
            </section>
            {view.replies.length || view.followUps.length || (openStatuses as string[]).includes(view.status) ? (
              <section class="card" aria-labelledby="conversation-heading">
                <h2 id="conversation-heading">{t('conversation')}</h2>
                <Conversation view={view} link={attachmentLink(active.code, active.key)} />
              </section>
            ) : null}
            {view.rectification ? (
              <section class="card" aria-labelledby="rectification-heading" id="rectification">
                <h2 id="rectification-heading">{t('rectification')}</h2>
                <p id="rectification-state">{t('rectificationState', { status: rectificationName(view.rectification.status), deadline: view.rectification.deadline })}</p>
                {view.rectification.signOffNote ? (
                  <p id="rectification-signoff">
                    {t('signedOff', { at: formatDate(view.rectification.verifiedAt) })}
                    <span class="text"> {view.rectification.signOffNote}</span>
                  </p>
                ) : null}
              </section>
            ) : null}
            {view.mergedInto ? <MergedTarget target={view.mergedInto} /> : null}
            {view.status === 'answered' ? <Rating code={active.code} accessKey={active.key} onDone={refresh} /> : null}
            {view.mergedInto?.canRate ? <Rating code={active.code} accessKey={active.key} onDone={refresh} hint={t('mergedRatingHint')} /> : null}
            {view.status !== 'rejected' && view.status !== 'merged' ? (
              <FollowUp code={active.code} accessKey={active.key} onDone={refresh} />
            ) : null}
          </div>
        ) : null}
        <p class="small">
          <a href="/">{t('submitAnother')}</a>
        </p>
      </main>
    </>
  );
};

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
