/**
 * The submission form and its receipt, shared by the form page (`/`) and the session page
 * (`/s/<code>`). Validation is the server's own zod schema; what a page adds to the body (the
 * session page's `session: { code, key }`) travels beside it, and a page may explain problems the
 * plain form never meets (a closed session) through `describeProblem`.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createSubmissionBody, type SubmissionReceipt } from '../../../shared/schemas/submission';
import { apiRequest, validated, problemToErrors, type ApiResult, type FieldErrors } from './api';
import { dictionary, formatDate, setCampaignTimeZone } from './i18n';
import { problemText, roomProblemText, said, translateMessage, type Said } from './messages';
import { prepareProof, publicWrite } from './room';
import { kindDescription, kindName, kinds, statusName, type Kind } from './terms';
import { receiptLink } from './tracking-code';
import { SimilarAnswers } from './similar-answers';
import { UnitPicker, type PickerUnit, type UnitPickerProps } from './unit-picker';
import { CharCount, describedBy, FieldError, randomId, requestTooLarge, tooLargeMessage, useCopy } from './ui';
import { AttachmentPicker, attachmentTexts, type PresignedUpload } from './attachments';

const t = dictionary(
  {
    kind: '类别',
    chooseKind: '请选择类别。',
    unit: '涉及单位（可选）',
    title: '标题',
    body: '内容',
    bodyHint: '请写清楚时间、地点和具体情况，便于核实和答复。',
    chars: '字数',
    anonymous: '匿名提交',
    anonOn: '已开启匿名：不会保存您的姓名、联系方式，也不记录您的网络地址（IP）。只有凭查询码和密钥才能查看答复。',
    anonOff: '您可以留下联系方式（均可选），答复时我们会发邮件通知您。只有领导小组办公室和负责的督导组能看到。',
    contact: '联系方式（可选）',
    name: '姓名',
    email: '电子邮箱',
    phone: '电话',
    rating: '对本次培训的评分（可选）',
    stars: '{n} 星',
    clearRating: '不评分',
    website: '网站（请勿填写）',
    photos: '照片（可选）',
    submit: '提交',
    submitting: '正在提交…',
    fixErrors: '提交前请修改以下 {n} 处：',
    network: '网络连接失败，请稍后再点“提交”。再次提交不会重复。',
    receiptTitle: '提交成功',
    receiptCode: '查询码',
    receiptKey: '查询密钥',
    receiptKeep: '请保存查询码和密钥：复制、截图、保存图片或用另一台手机扫码都可以。凭查询码和密钥可查看办理进度和答复。保存好之前，刷新或返回本页仍会显示它们。',
    qrAlt: '查看办理进度的二维码（含查询码和密钥）',
    qrLoading: '正在生成二维码…',
    saveImage: '保存为图片',
    imageSaved: '图片已生成：{name}',
    imageFailed: '无法生成图片，请截图保存。',
    imageFooter: '凭查询码和密钥在“查询办理进度”页面查看答复，或扫描上面的二维码。请妥善保管，不要告诉他人。',
    saved: '我已保存，再提交一条',
    copy: '复制查询码和密钥',
    copied: '已复制。',
    copyFailed: '无法自动复制，请长按选择文字复制。',
    copyText: '意见箱查询码：{code}\n查询密钥：{key}\n查看进度：{link}',
    track: '查看办理进度',
    status: '状态',
    due: '答复期限',
  },
  {
    kind: 'Kind',
    chooseKind: 'Choose a kind.',
    unit: 'Unit concerned (optional)',
    title: 'Title',
    body: 'Text',
    bodyHint: 'Say when, where and what happened, so that it can be checked and answered.',
    chars: 'Characters',
    anonymous: 'Submit anonymously',
    anonOn: 'Anonymous: no name, no contact details and no network address (IP) are kept. Only the tracking code and key show the answer.',
    anonOff: 'You may leave contact details (all optional) to be told by e-mail when there is an answer. Only the campaign office and the group in charge see them.',
    contact: 'Contact (optional)',
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone',
    rating: 'Your rating of the training (optional)',
    stars: '{n} stars',
    clearRating: 'No rating',
    website: 'Website (leave empty)',
    photos: 'Photos (optional)',
    submit: 'Submit',
    submitting: 'Submitting…',
    fixErrors: 'Fix these before submitting ({n}):',
    network: 'The network failed. Press “Submit” again in a moment; it will not be sent twice.',
    receiptTitle: 'Submitted',
    receiptCode: 'Tracking code',
    receiptKey: 'Access key',
    receiptKeep: 'Keep the code and the key: copy them, take a screenshot, save the image or scan the QR code with another phone. They show the progress and the answers. Until you say you have kept them, a reload or Back shows them again.',
    qrAlt: 'QR code of the tracking link (with the code and key)',
    qrLoading: 'Making the QR code…',
    saveImage: 'Save as image',
    imageSaved: 'Image made: {name}',
    imageFailed: 'Could not make the image; take a screenshot instead.',
    imageFooter: 'The code and key show the answers on the “Track an item” page, or scan the QR code above. Keep them to yourself.',
    saved: 'I have kept them: submit another',
    copy: 'Copy code and key',
    copied: 'Copied.',
    copyFailed: 'Could not copy; select the text and copy it.',
    copyText: 'Yijian tracking code: {code}\nAccess key: {key}\nTrack it: {link}',
    track: 'Track it',
    status: 'Status',
    due: 'Answer due',
  },
);

export type FormUnit = PickerUnit;

export interface FormData {
  /** `timezone`: the directory's (an addition to the contract; older servers leave it out). */
  campaign: { name: string; phase: { id: string; name: string }; timezone?: string };
  units: FormUnit[];
}

/** GET /api/form, retried with backoff (a page is usable meanwhile: the kinds come with the bundle). */
export const useFormData = (): FormData | null => {
  const [form, setForm] = useState<FormData | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = async (attempt: number): Promise<void> => {
      const r = await apiRequest<FormData>('GET', '/api/form');
      if (cancelled) return;
      if (r.ok) {
        setCampaignTimeZone(r.json.campaign.timezone);
        setForm(r.json);
      }
      else if (attempt < 5) setTimeout(() => void load(attempt + 1), 1000 * 2 ** attempt);
    };
    void load(0);
    return () => {
      cancelled = true;
    };
  }, []);
  return form;
};

interface Draft {
  kind: Kind | '';
  unitId: string;
  title: string;
  body: string;
  anonymous: boolean;
  name: string;
  email: string;
  phone: string;
  rating: number | null;
  website: string;
}

const emptyDraft: Draft = {
  kind: '',
  unitId: '',
  title: '',
  body: '',
  anonymous: true,
  name: '',
  email: '',
  phone: '',
  rating: null,
  website: '',
};

/**
 * The draft is kept in sessionStorage (this tab only, per page) while the person looks at the
 * tracking page and comes back, or reloads; it is removed once the submission succeeded. The
 * honeypot stays out (a person never fills it).
 */
const draftKey = () => `yijian.draft:${location.pathname}`;
const readDraft = (): Draft => {
  try {
    const raw = sessionStorage.getItem(draftKey());
    return raw ? { ...emptyDraft, ...(JSON.parse(raw) as Partial<Draft>), website: '' } : emptyDraft;
  } catch {
    return emptyDraft;
  }
};
const keepDraft = (draft: Draft) => {
  try {
    const { website: _honeypot, ...kept } = draft;
    if (JSON.stringify({ ...kept, website: '' }) === JSON.stringify(emptyDraft)) sessionStorage.removeItem(draftKey());
    else sessionStorage.setItem(draftKey(), JSON.stringify(kept));
  } catch {
    // storage refused (private mode, full): the draft lasts as long as the page
  }
};

/** The request body exactly as the API takes it: empty optional fields left out. */
const toPayload = (d: Draft): Record<string, unknown> => {
  const payload: Record<string, unknown> = { kind: d.kind || undefined, title: d.title, body: d.body, anonymous: d.anonymous };
  if (d.unitId) payload.unitId = d.unitId;
  if (!d.anonymous) {
    const contact: Record<string, string> = {};
    if (d.name.trim()) contact.name = d.name.trim();
    if (d.email.trim()) contact.email = d.email.trim();
    if (d.phone.trim()) contact.phone = d.phone.trim();
    if (Object.keys(contact).length) payload.contact = contact;
  }
  if (d.kind === 'feedback' && d.rating) payload.rating = d.rating;
  if (d.website) payload.website = d.website;
  return payload;
};

/** Which element to focus for an error path. */
const fieldIdFor: Record<string, string> = {
  kind: 'kind-feedback',
  unitId: 'unit',
  title: 'title',
  body: 'body',
  contact: 'contact-name',
  'contact.name': 'contact-name',
  'contact.email': 'contact-email',
  'contact.phone': 'contact-phone',
  rating: 'rating-1',
};
const errorOrder = ['kind', 'unitId', 'title', 'body', 'contact', 'contact.name', 'contact.email', 'contact.phone', 'rating'];
/** The label the error summary names a field by. */
const fieldLabelKey = {
  kind: 'kind',
  unitId: 'unit',
  title: 'title',
  body: 'body',
  contact: 'contact',
  'contact.name': 'name',
  'contact.email': 'email',
  'contact.phone': 'phone',
  rating: 'rating',
} as const satisfies Record<string, Parameters<typeof t>[0]>;

/** Focuses a field named in the error summary and brings it into view (the gov.uk pattern). */
const focusField = (event: Event, path: string) => {
  event.preventDefault();
  const field = document.getElementById(fieldIdFor[path] ?? '');
  field?.scrollIntoView({ block: 'center' });
  field?.focus({ preventScroll: true });
};

export interface SubmissionFormProps {
  /** All units (null while /api/form has not answered). */
  units: FormUnit[] | null;
  /** Units shown first, under their own heading (the session's units); left out of the rest. */
  firstUnits?: UnitPickerProps['firstUnits'];
  /** Added to the validated body (e.g. `session: { code, key }`). */
  extraBody?: Record<string, unknown>;
  /** The training rating of a feedback item; the session page rates the session instead. */
  withRating?: boolean;
  /** A page's own message for a refusal the plain form does not know (null: the default one). */
  describeProblem?: (result: ApiResult) => string | null;
  onReceipt: (receipt: SubmissionReceipt) => void;
}

export const SubmissionForm = (props: SubmissionFormProps) => {
  const [draft, setDraft] = useState<Draft>(readDraft);
  useEffect(() => keepDraft(draft), [draft]);
  /** Field errors as the server or the schema said them; put in the page's language when drawn. */
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<Said | null>(null);
  /** Whether the error summary (a list of links to the fields in `errors`) is shown at the top. */
  const [summary, setSummary] = useState(false);
  const [busy, setBusy] = useState(false);
  /** The photos uploaded so far (their attachment ids), and whether one is still uploading. */
  const [photos, setPhotos] = useState<{ ids: string[]; busy: boolean }>({ ids: [], busy: false });
  const [photoReset, setPhotoReset] = useState(0);
  const inflight = useRef(false);
  /** One Idempotency-Key per distinct body: a double click or a retry after a lost answer sends the same one. */
  const idempotency = useRef<{ key: string; body: string } | null>(null);
  const withRating = props.withRating ?? true;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };

  /** The gov.uk pattern: an alert at the top that takes the focus and links to each field. */
  const showErrors = (errs: FieldErrors) => {
    setErrors(errs);
    setBanner(null);
    setSummary(true);
    requestAnimationFrame(() => document.getElementById('form-banner')?.focus());
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (inflight.current) return;
    const valid = validated(createSubmissionBody, toPayload(draft), showErrors);
    if (!valid) return;
    if (photos.busy) {
      setBanner(said(() => attachmentTexts('waitUploads')));
      requestAnimationFrame(() => document.getElementById('form-banner')?.focus());
      return;
    }
    const body = { ...valid, ...(photos.ids.length ? { attachmentIds: photos.ids } : {}), ...(props.extraBody ?? {}) };
    if (requestTooLarge(body)) {
      showErrors({ body: tooLargeMessage });
      return;
    }
    inflight.current = true;
    setBusy(true);
    setBanner(null);
    setSummary(false);
    const bodyJson = JSON.stringify(body);
    if (idempotency.current?.body !== bodyJson) idempotency.current = { key: randomId(), body: bodyJson };
    try {
      const r = await publicWrite<SubmissionReceipt>('POST', '/api/submissions', {
        body,
        headers: { 'Idempotency-Key': idempotency.current.key },
      });
      if (r.status === 201) {
        setErrors({});
        setSummary(false);
        idempotency.current = null;
        keepDraft(emptyDraft); // now: the form is gone before an effect would run
        setDraft(emptyDraft);
        setPhotoReset((n) => n + 1);
        props.onReceipt(r.json);
        return;
      }
      const fieldErrors = problemToErrors(r.problem);
      if (props.describeProblem?.(r) != null || roomProblemText(r.problem, r.headers.get('retry-after'))) {
        setErrors({});
        setSummary(false);
        setBanner(said(() => props.describeProblem?.(r) ?? problemText(r)));
        requestAnimationFrame(() => document.getElementById('form-banner')?.focus());
      } else if (r.status === 400 && Object.keys(fieldErrors).some((path) => errorOrder.includes(path))) showErrors(fieldErrors);
      else if (r.status === 400 && Object.keys(fieldErrors).some((path) => path.startsWith('attachmentIds'))) {
        // A photo the server refused (not a photo, expired): its own sentence, in the page's language.
        const message = Object.entries(fieldErrors).find(([path]) => path.startsWith('attachmentIds'))![1];
        setBanner(said(() => translateMessage(message)));
      }
      else if (r.status === 0) setBanner(said(() => t('network')));
      else setBanner(said(() => problemText(r)));
    } finally {
      inflight.current = false;
      setBusy(false);
    }
  };

  const tooLarge = useMemo(() => requestTooLarge({ ...toPayload(draft), ...(props.extraBody ?? {}) }), [draft, props.extraBody]);
  const err = (path: string) => (errors[path] === undefined ? undefined : path === 'kind' ? t('chooseKind') : translateMessage(errors[path]));
  const errId = (path: string) => (errors[path] ? `${path.replace('.', '-')}-error` : undefined);
  const summaryPaths = summary ? errorOrder.filter((path) => errors[path] !== undefined) : [];

  return (
    <form class="card" id="submission-form" noValidate onSubmit={onSubmit} onFocusIn={prepareProof} onInput={prepareProof} aria-describedby={banner || summaryPaths.length ? 'form-banner' : undefined}>
      {summaryPaths.length ? (
        <div id="form-banner" class="error-summary" role="alert" tabIndex={-1} aria-labelledby="error-summary-title">
          <h2 id="error-summary-title">{t('fixErrors', { n: summaryPaths.length })}</h2>
          <ul>
            {summaryPaths.map((path) => (
              <li key={path}>
                <a href={`#${fieldIdFor[path]}`} data-path={path} onClick={(event) => focusField(event, path)}>
                  {t(fieldLabelKey[path as keyof typeof fieldLabelKey])}: {err(path)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : banner ? (
        <div id="form-banner" class="banner bad" role="alert" tabIndex={-1}>
          {banner.text()}
        </div>
      ) : null}

      <fieldset aria-describedby={errId('kind')}>
        <legend>{t('kind')}</legend>
        <div class="choices">
          {kinds.map((k) => (
            <label class="choice" key={k.id}>
              <input type="radio" id={`kind-${k.id}`} name="kind" value={k.id} checked={draft.kind === k.id} onChange={() => set('kind', k.id)} />
              <span>
                <span class="name">{kindName(k.id)}</span>
                <span class="desc">{kindDescription(k.id)}</span>
              </span>
            </label>
          ))}
        </div>
        <FieldError id="kind-error" message={err('kind')} />
      </fieldset>

      <div class="field">
        <label for="unit">{t('unit')}</label>
        <UnitPicker
          id="unit"
          units={props.units}
          firstUnits={props.firstUnits}
          value={draft.unitId}
          onChange={(unitId) => set('unitId', unitId)}
          invalid={Boolean(err('unitId'))}
          describedBy={errId('unitId')}
        />
        <FieldError id="unitId-error" message={err('unitId')} />
      </div>

      <div class="field">
        <label for="title">{t('title')}</label>
        <input
          type="text"
          id="title"
          value={draft.title}
          autoComplete="off"
          enterKeyHint="next"
          aria-invalid={err('title') ? true : undefined}
          aria-describedby={describedBy('title-count', errId('title'))}
          onInput={(e) => set('title', (e.target as HTMLInputElement).value)}
        />
        <CharCount id="title-count" value={draft.title} max={120} label={t('chars')} />
        <FieldError id="title-error" message={err('title')} />
      </div>
      <SimilarAnswers text={draft.title} />

      <div class="field">
        <label for="body">{t('body')}</label>
        <textarea
          id="body"
          rows={7}
          value={draft.body}
          aria-invalid={err('body') ? true : undefined}
          aria-describedby={describedBy('body-hint', 'body-count', errId('body'))}
          onInput={(e) => set('body', (e.target as HTMLTextAreaElement).value)}
        />
        <p class="hint" id="body-hint">
          {t('bodyHint')}
        </p>
        <CharCount id="body-count" value={draft.body} max={5000} label={t('chars')} tooLarge={tooLarge} />
        <FieldError id="body-error" message={err('body')} />
      </div>

      {withRating && draft.kind === 'feedback' ? (
        <fieldset aria-describedby={errId('rating')}>
          <legend>{t('rating')}</legend>
          <div class="stars">
            {[1, 2, 3, 4, 5].map((n) => (
              <label class={draft.rating !== null && n <= draft.rating ? 'star on' : 'star'} key={n}>
                <input type="radio" name="rating" id={`rating-${n}`} value={n} checked={draft.rating === n} onChange={() => set('rating', n)} />
                <span aria-hidden="true">{draft.rating !== null && n <= draft.rating ? '★' : '☆'}</span>
                <span class="sr-only">{t('stars', { n })}</span>
              </label>
            ))}
            {draft.rating !== null ? (
              <button type="button" class="link" onClick={() => set('rating', null)}>
                {t('clearRating')}
              </button>
            ) : null}
          </div>
          <FieldError id="rating-error" message={err('rating')} />
        </fieldset>
      ) : null}

      <div class="field">
        <label class="switch" for="anonymous">
          <input
            type="checkbox"
            role="switch"
            id="anonymous"
            checked={draft.anonymous}
            aria-describedby="anonymous-note"
            onChange={(e) => set('anonymous', (e.target as HTMLInputElement).checked)}
          />
          {t('anonymous')}
        </label>
        <p id="anonymous-note" class={draft.anonymous ? 'notice' : 'notice warn'} aria-live="polite">
          {draft.anonymous ? t('anonOn') : t('anonOff')}
        </p>
      </div>

      {!draft.anonymous ? (
        <fieldset aria-describedby={errId('contact')}>
          <legend>{t('contact')}</legend>
          <FieldError id="contact-error" message={err('contact')} />
          <div class="field">
            <label for="contact-name">{t('name')}</label>
            <input
              type="text"
              id="contact-name"
              autoComplete="name"
              value={draft.name}
              aria-invalid={err('contact.name') ? true : undefined}
              aria-describedby={errId('contact.name')}
              onInput={(e) => set('name', (e.target as HTMLInputElement).value)}
            />
            <FieldError id="contact-name-error" message={err('contact.name')} />
          </div>
          <div class="field">
            <label for="contact-email">{t('email')}</label>
            <input
              type="email"
              id="contact-email"
              autoComplete="email"
              inputMode="email"
              value={draft.email}
              aria-invalid={err('contact.email') ? true : undefined}
              aria-describedby={errId('contact.email')}
              onInput={(e) => set('email', (e.target as HTMLInputElement).value)}
            />
            <FieldError id="contact-email-error" message={err('contact.email')} />
          </div>
          <div class="field">
            <label for="contact-phone">{t('phone')}</label>
            <input
              type="tel"
              id="contact-phone"
              autoComplete="tel"
              value={draft.phone}
              aria-invalid={err('contact.phone') ? true : undefined}
              aria-describedby={errId('contact.phone')}
              onInput={(e) => set('phone', (e.target as HTMLInputElement).value)}
            />
            <FieldError id="contact-phone-error" message={err('contact.phone')} />
          </div>
        </fieldset>
      ) : null}

      <div class="field">
        <p class="label" id="photos-label">
          {t('photos')}
        </p>
        <AttachmentPicker
          id="photos"
          max={5}
          resetKey={photoReset}
          presign={(declared) => publicWrite<PresignedUpload>('POST', '/api/attachments', { body: declared })}
          onChange={(ids, uploading) => setPhotos({ ids, busy: uploading })}
        />
      </div>

      <div class="honeypot" aria-hidden="true">
        <label for="website">{t('website')}</label>
        <input
          type="text"
          id="website"
          name="website"
          tabIndex={-1}
          autoComplete="off"
          value={draft.website}
          onInput={(e) => set('website', (e.target as HTMLInputElement).value)}
        />
      </div>

      <button type="submit" id="submit" class="primary block" disabled={busy} aria-busy={busy}>
        {busy ? t('submitting') : t('submit')}
      </button>
    </form>
  );
};

/**
 * The receipt of the last submission on a page, kept in sessionStorage (this tab only) until the
 * person says they have kept it: a reload, or Back from the tracking page, shows it again.
 */
export const useKeptReceipt = (scope: string) => {
  const storageKey = `yijian.receipt:${scope}`;
  const [receipt, setReceipt] = useState<SubmissionReceipt | null>(() => {
    try {
      const raw = sessionStorage.getItem(storageKey);
      return raw ? (JSON.parse(raw) as SubmissionReceipt) : null;
    } catch {
      return null;
    }
  });
  const keep = (next: SubmissionReceipt) => {
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(next));
    } catch {
      // storage refused (private mode, full): the receipt lasts as long as the page
    }
    setReceipt(next);
  };
  const forget = () => {
    try {
      sessionStorage.removeItem(storageKey);
    } catch {
      // nothing was kept
    }
    setReceipt(null);
  };
  return { receipt, keep, forget };
};

/** The QR code of the tracking link, made by a module loaded only now (./receipt-image.ts). */
const useReceiptQr = (link: string) => {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void import('./receipt-image').then(({ qrDataUrl }) => qrDataUrl(link)).then(
      (src) => !cancelled && setQr(src),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [link]);
  return qr;
};

export const Receipt = (props: { receipt: SubmissionReceipt; onAnother: () => void }) => {
  const { trackingCode, accessKey } = props.receipt;
  const clipboard = useCopy(() => t('copied'), () => t('copyFailed'));
  const link = receiptLink(trackingCode, accessKey);
  const fullLink = new URL(link, location.href).href;
  const qr = useReceiptQr(fullLink);
  const [image, setImage] = useState<{ url: string; name: string } | 'failed' | null>(null);
  useEffect(() => {
    requestAnimationFrame(() => document.getElementById('receipt-heading')?.focus());
  }, []);
  const copy = () => clipboard.copy(t('copyText', { code: trackingCode, key: accessKey, link: fullLink }));
  const saveImage = async () => {
    try {
      const { qrDataUrl, receiptPng } = await import('./receipt-image');
      const url = await receiptPng({
        heading: t('receiptTitle'),
        lines: [
          { label: t('receiptCode'), value: trackingCode, mono: true },
          { label: t('receiptKey'), value: accessKey, mono: true },
        ],
        qr: qr ?? (await qrDataUrl(fullLink)),
        footer: t('imageFooter'),
      });
      const name = `yijian-${trackingCode}.png`;
      setImage({ url, name });
      // Offered as a download; on a phone that cannot save it, the image is shown to long-press.
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
    } catch {
      setImage('failed');
    }
  };
  return (
    <section class="card receipt" aria-labelledby="receipt-heading">
      <h1 id="receipt-heading" tabIndex={-1}>
        {t('receiptTitle')}
      </h1>
      <p class="muted">{t('receiptCode')}</p>
      <p class="code" id="receipt-code" lang="en">
        {trackingCode}
      </p>
      <p class="muted">{t('receiptKey')}</p>
      <p class="key" id="receipt-key" lang="en">
        {accessKey}
      </p>
      <p class="notice warn">{t('receiptKeep')}</p>
      <p>
        {t('status')}: {statusName(props.receipt.status)}
        {props.receipt.dueAt ? (
          <>
            {' '}
            · {t('due')}: <span id="receipt-due">{formatDate(props.receipt.dueAt)}</span>
          </>
        ) : null}
      </p>
      <div class="receipt-qr">
        {qr ? <img id="receipt-qr" src={qr} width={264} height={264} alt={t('qrAlt')} /> : <p role="status">{t('qrLoading')}</p>}
      </div>
      <div class="row">
        <button type="button" onClick={copy}>
          {t('copy')}
        </button>
        <button type="button" id="save-image" onClick={() => void saveImage()}>
          {t('saveImage')}
        </button>
        <a class="button primary" href={link} id="track-link">
          {t('track')}
        </a>
      </div>
      <p role="status" class="small">
        {clipboard.message}
        {image === 'failed' ? t('imageFailed') : image ? t('imageSaved', { name: image.name }) : ''}
      </p>
      {image && image !== 'failed' ? <img id="receipt-image" class="receipt-image" src={image.url} alt={t('receiptTitle')} /> : null}
      <p>
        <button type="button" id="receipt-saved" class="primary" onClick={props.onAnother}>
          {t('saved')}
        </button>
      </p>
    </section>
  );
};
