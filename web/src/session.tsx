/**
 * The session page (`/s/<code>#<joinKey>`), what a participant's phone opens from the QR code on
 * the screen: the session (title, time in the campaign's zone, place), a 1–5 star rating with an
 * optional comment, and the submission form with the session's units first. The join key is read
 * from the fragment, which browsers never send; it travels only in the X-Session-Key header and in
 * the submission's body.
 */
import './styles.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicSessionView } from '../../shared/schemas/session';
import { apiRequest, type ApiResult } from './lib/api';
import { dictionary, useLang } from './lib/i18n';
import { roomProblemText, said, type Said } from './lib/messages';
import { prepareProof, publicWrite } from './lib/room';
import { defaultTimeZone, sessionTime } from './lib/session-time';
import { Receipt, SubmissionForm, useFormData, useKeptReceipt } from './lib/submission-form';
import { Banner, CharCount, TopBar } from './lib/ui';

const t = dictionary(
  {
    brand: '意见箱',
    pageTitle: '意见箱 · 培训场次',
    loading: '正在加载本场培训…',
    badLink: '这个链接无效：场次不存在，或链接不完整。请重新扫描现场的二维码，或向会务人员索取链接。',
    closed: '本场培训已结束，不再接收评分和意见。如有意见，请通过意见箱首页提交。',
    closedShort: '本场培训已结束，评分和意见没有保存。',
    network: '网络连接失败，请稍后刷新页面。',
    retry: '重试',
    busy: '服务暂时繁忙，请稍后再试。',
    rateLimited: '提交太频繁了，请 {s} 秒后再试。',
    failed: '没有成功（{status}）。请稍后再试。',
    time: '时间',
    place: '地点',
    phase: '阶段',
    rateHeading: '为本场培训评分',
    rateHint: '点一下星星即提交评分。',
    star1: '1 星：很不满意',
    star2: '2 星：不满意',
    star3: '3 星：一般',
    star4: '4 星：满意',
    star5: '5 星：非常满意',
    comment: '一句话评价（可选，先写再点星星）',
    chars: '字数',
    sendRating: '提交评分',
    sending: '正在提交…',
    thanks: '感谢您的评分！',
    thanksScore: '您给本场培训打了 {n} 星。',
    formHeading: '提出意见',
    formIntro: '对本场培训的反馈、疑问、建议、问题和好做法，都可以在这里提出。无需注册，提交后凭查询码和密钥查看答复。',
    sessionUnits: '本场培训涉及的单位',
    home: '意见箱首页',
  },
  {
    brand: 'Yijian',
    pageTitle: 'Yijian · Training session',
    loading: 'Loading the session…',
    badLink: 'This link does not work: there is no such session, or the link is incomplete. Scan the QR code in the room again, or ask the organisers for the link.',
    closed: 'This training session has ended and takes no more ratings or opinions. You can still submit through the Yijian home page.',
    closedShort: 'This session has ended; nothing was saved.',
    network: 'The network failed; reload the page in a moment.',
    retry: 'Try again',
    busy: 'The service is busy; try again in a moment.',
    rateLimited: 'Too many submissions; try again in {s} seconds.',
    failed: 'That did not work ({status}). Try again later.',
    time: 'Time',
    place: 'Place',
    phase: 'Phase',
    rateHeading: 'Rate this session',
    rateHint: 'One tap on a star sends your rating.',
    star1: '1 star: very poor',
    star2: '2 stars: poor',
    star3: '3 stars: fair',
    star4: '4 stars: good',
    star5: '5 stars: excellent',
    comment: 'A comment (optional; write it before tapping a star)',
    chars: 'Characters',
    sendRating: 'Send rating',
    sending: 'Sending…',
    thanks: 'Thank you for your rating!',
    thanksScore: 'You gave this session {n} stars.',
    formHeading: 'Raise an opinion',
    formIntro: 'Feedback, questions, suggestions, problems and good practices about this session: raise them here. No account needed; a tracking code and key show you the answer.',
    sessionUnits: 'Units of this session',
    home: 'Yijian home page',
  },
);

/** `/s/<code>` and `#<joinKey>` (the key URL-decoded; nothing but the fragment holds it). */
const readLink = (): { code: string; key: string } => {
  const code = decodeURIComponent(location.pathname.replace(/^\/s\//, '').replace(/\/$/, ''));
  let key = location.hash.replace(/^#/, '');
  try {
    key = decodeURIComponent(key);
  } catch {
    key = '';
  }
  return { code: /^[\w-]{1,64}$/.test(code) ? code : '', key };
};

const stars = [1, 2, 3, 4, 5] as const;
const starLabel = (n: number) => t(`star${n}` as 'star1');

/** The session's own refusals: 409 closed, 404 or a 400 naming `session` (a wrong code or key). */
const sessionProblem = (r: ApiResult): 'closed' | 'badLink' | null => {
  if (r.status === 409) return 'closed';
  if (r.status === 404) return 'badLink';
  if (r.status === 400 && (r.problem?.errors ?? []).some((e) => e.path === 'session' || e.path.startsWith('session.'))) return 'badLink';
  return null;
};

/** Drawn at each render (a `Said`), so a language switch redraws it. */
const commonProblem = (r: ApiResult): Said =>
  said(() =>
    roomProblemText(r.problem, r.headers.get('retry-after')) ??
    (r.status === 0
      ? t('network')
      : r.status === 429
        ? t('rateLimited', { s: r.headers.get('retry-after') ?? '60' })
        : r.status === 503
          ? t('busy')
          : t('failed', { status: r.status })));

const Rating = (props: { code: string; sessionKey: string; onClosed: () => void; onBadLink: () => void }) => {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<Said | null>(null);
  /** A tap (pointer) on a star sends at once; arrow keys only move the choice, Enter or the button sends. */
  const pointerAt = useRef(0);
  // A rating is one tap, maybe the page's first touch: the proof of work starts with the page.
  useEffect(prepareProof, []);

  const send = async (n: number) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { score: n };
    if (comment.trim()) body.comment = comment.trim();
    const r = await publicWrite('POST', `/api/public/sessions/${encodeURIComponent(props.code)}/ratings`, {
      body,
      headers: { 'X-Session-Key': props.sessionKey },
    });
    setBusy(false);
    if (r.status === 201) {
      setSent(n);
      requestAnimationFrame(() => document.getElementById('rating-thanks')?.focus());
      return;
    }
    const own = sessionProblem(r);
    if (own === 'closed') props.onClosed();
    else if (own === 'badLink') props.onBadLink();
    else setError(commonProblem(r));
  };

  if (sent !== null) {
    return (
      <section class="card" aria-labelledby="rating-thanks">
        <h2 id="rating-thanks" tabIndex={-1}>
          {t('thanks')}
        </h2>
        <p class="stars-static" aria-hidden="true">
          {stars.map((n) => (n <= sent ? '★' : '☆')).join('')}
        </p>
        <p id="rating-thanks-score">{t('thanksScore', { n: sent })}</p>
      </section>
    );
  }

  return (
    <section class="card" aria-labelledby="rate-heading">
      <h2 id="rate-heading">{t('rateHeading')}</h2>
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      <div class="field">
        <label for="rating-comment">{t('comment')}</label>
        <input type="text" id="rating-comment" value={comment} autoComplete="off" aria-describedby="rating-comment-count" onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
        <CharCount id="rating-comment-count" value={comment} max={500} label={t('chars')} />
      </div>
      <fieldset class="session-stars" aria-describedby="rate-hint">
        <legend class="sr-only">{t('rateHeading')}</legend>
        <p class="hint" id="rate-hint">
          {t('rateHint')}
        </p>
        <div class="stars big" onPointerDown={() => (pointerAt.current = Date.now())}>
          {stars.map((n) => (
            <label class={score !== null && n <= score ? 'star on' : 'star'} key={n}>
              <input
                type="radio"
                name="session-score"
                id={`score-${n}`}
                value={n}
                checked={score === n}
                disabled={busy}
                onChange={() => {
                  setScore(n);
                  if (Date.now() - pointerAt.current < 1500) void send(n);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void send(n);
                  }
                }}
              />
              <span aria-hidden="true">{score !== null && n <= score ? '★' : '☆'}</span>
              <span class="sr-only">{starLabel(n)}</span>
            </label>
          ))}
        </div>
        {score !== null ? <p class="muted small">{starLabel(score)}</p> : null}
      </fieldset>
      {score !== null ? (
        <button type="button" id="send-rating" class="primary" disabled={busy} aria-busy={busy} onClick={() => void send(score)}>
          {busy ? t('sending') : t('sendRating')}
        </button>
      ) : null}
    </section>
  );
};

/** Why the page offers nothing to send (a bad link, a closed session), and the way to the plain form. */
const SessionProblem = (props: { kind: 'bad' | 'warn'; text: string }) => (
  <div class="card">
    <Banner kind={props.kind}>
      <span id="session-problem">{props.text}</span>
    </Banner>
    <p>
      <a href="/">{t('home')}</a>
    </p>
  </div>
);

type State =
  | { kind: 'loading' }
  | { kind: 'badLink' }
  | { kind: 'error'; message: Said }
  | { kind: 'ready'; session: PublicSessionView };

const App = () => {
  useLang();
  const link = useRef(readLink()).current;
  const form = useFormData();
  const [state, setState] = useState<State>({ kind: 'loading' });
  // Kept per session link (this tab only) until the person says they have kept it.
  const { receipt, keep: setReceipt, forget } = useKeptReceipt(`session:${link.code}`);
  const [notice, setNotice] = useState<Said | null>(null);

  const load = async () => {
    if (!link.code || !link.key) {
      setState({ kind: 'badLink' });
      return;
    }
    setState({ kind: 'loading' });
    const r = await apiRequest<PublicSessionView>('GET', `/api/public/sessions/${encodeURIComponent(link.code)}`, { headers: { 'X-Session-Key': link.key } });
    if (r.ok) setState({ kind: 'ready', session: r.json });
    else if (r.status === 404 || r.status === 400) setState({ kind: 'badLink' });
    else setState({ kind: 'error', message: commonProblem(r) });
  };
  useEffect(() => {
    void load();
  }, []);

  const markClosed = () => {
    setState((s) => (s.kind === 'ready' ? { kind: 'ready', session: { ...s.session, open: false } } : s));
    setNotice(said(() => t('closedShort')));
  };
  const timeZone = form?.campaign.timezone ?? defaultTimeZone;

  let content;
  if (state.kind === 'loading') content = <p role="status">{t('loading')}</p>;
  else if (state.kind === 'badLink') {
    content = (
<SessionProblem kind="bad" text={t('badLink')} />
    );
  } else if (state.kind === 'error') {
    content = (
      <div class="card">
        <Banner kind="bad">{state.message.text()}</Banner>
        <button type="button" onClick={() => void load()}>
          {t('retry')}
        </button>
      </div>
    );
  } else {
    const { session } = state;
    const formUnits = form?.units ?? null;
    const sessionUnitIds = session.units.map((u) => u.id);
    const onlySome = formUnits !== null && sessionUnitIds.length < formUnits.length;
    content = (
      <>
        <section class="card session-head" aria-labelledby="session-title">
          <h1 id="session-title">{session.title}</h1>
          <dl class="kv">
            <dt>{t('time')}</dt>
            <dd id="session-time">{sessionTime(session, timeZone)}</dd>
            {session.place ? (
              <>
                <dt>{t('place')}</dt>
                <dd id="session-place">{session.place}</dd>
              </>
            ) : null}
            <dt>{t('phase')}</dt>
            <dd>{session.phase.name}</dd>
          </dl>
        </section>
        {notice ? <Banner kind="warn">{notice.text()}</Banner> : null}
        {!session.open ? (
<SessionProblem kind="warn" text={t('closed')} />
        ) : receipt ? (
          <Receipt receipt={receipt} onAnother={forget} />
        ) : (
          <>
            <Rating code={session.code} sessionKey={link.key} onClosed={markClosed} onBadLink={() => setState({ kind: 'badLink' })} />
            <section aria-labelledby="form-heading">
              <h2 id="form-heading">{t('formHeading')}</h2>
              <p class="muted">{t('formIntro')}</p>
              <SubmissionForm
                units={formUnits}
                firstUnits={onlySome ? { label: t('sessionUnits'), ids: sessionUnitIds } : undefined}
                withRating={false}
                extraBody={{ session: { code: session.code, key: link.key } }}
                describeProblem={(r) => {
                  const own = sessionProblem(r);
                  if (own === 'closed') markClosed();
                  else if (own === 'badLink') setState({ kind: 'badLink' });
                  return own ? t(own === 'closed' ? 'closedShort' : 'badLink') : null;
                }}
                onReceipt={setReceipt}
              />
            </section>
          </>
        )}
      </>
    );
  }

  return (
    <>
      <TopBar title={t('brand')} sub={form?.campaign.name} />
      <main>{content}</main>
    </>
  );
};

const Page = () => {
  const lang = useLang();
  useEffect(() => {
    document.title = t('pageTitle');
  }, [lang]);
  return <App />;
};

const root = document.getElementById('app')!;
root.textContent = '';
render(<Page />, root);
