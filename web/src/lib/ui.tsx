/** Small shared components. User text is only ever rendered as text (JSX children), never as HTML. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { setLang, useLang } from './i18n';
import { kindName, kinds } from './terms';
import { maxBodyBytes } from '../../../shared/http/body-limit';
import { codePointLength } from '../../../shared/schemas/text';

export const LangSwitch = () => {
  const lang = useLang();
  return lang === 'zh' ? (
    <button type="button" lang="en" onClick={() => setLang('en')}>
      English
    </button>
  ) : (
    <button type="button" lang="zh-CN" onClick={() => setLang('zh')}>
      中文
    </button>
  );
};

/** The public pages' bar is one fixed row (styles.css); the console's, with its tools, may wrap. */
export const TopBar = (props: { title: string; sub?: string; children?: ComponentChildren }) => (
  <header class={props.children ? 'topbar tools' : 'topbar'}>
    <a class="brand" href="/">
      {props.title}
    </a>
    {props.sub ? <span class="sub">{props.sub}</span> : null}
    <span class="spacer" />
    {props.children}
    <LangSwitch />
  </header>
);

/**
 * "12 / 120", counted in characters as the server counts them; announced through aria-describedby.
 * `tooLarge`: the characters fit but the request's bytes do not (see `requestTooLarge`).
 */
export const CharCount = (props: { id: string; value: string; max: number; label: string; tooLarge?: boolean }) => {
  const n = codePointLength(props.value);
  return (
    <p id={props.id} class={n > props.max || props.tooLarge ? 'count over' : 'count'}>
      <span class="sr-only">{props.label} </span>
      {n} / {props.max}
    </p>
  );
};

/**
 * Whether a JSON body is over the server's byte limit (413). The schema counts characters, the
 * server also bytes: 5,000 characters of emoji or rare characters (4 bytes each in UTF-8) do not
 * fit, so the form says so before sending, where the person can shorten the text.
 */
export const requestTooLarge = (body: unknown): boolean => new TextEncoder().encode(JSON.stringify(body)).length > maxBodyBytes;

/** The field error a page gives then (its Chinese is in ./problem-texts.ts, as the server's are). */
export const tooLargeMessage = 'Too long to send in one go: emoji and rare characters take more room; shorten the text.';

export const FieldError = (props: { id: string; message?: string }) =>
  props.message ? (
    <p id={props.id} class="error">
      {props.message}
    </p>
  ) : null;

/** Joins the ids of the hint, counter and error that describe a field. */
export const describedBy = (...ids: (string | false | undefined | null)[]): string | undefined => {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
};

export const Banner = (props: { kind: 'info' | 'warn' | 'bad' | 'ok'; children: ComponentChildren }) => (
  <div class={`banner ${props.kind}`} role={props.kind === 'bad' || props.kind === 'warn' ? 'alert' : 'status'}>
    {props.children}
  </div>
);

/** A fresh random id (Idempotency-Key, PKCE state): crypto.randomUUID where available. */
export const randomId = (): string => {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};

/** Copies text to the clipboard; `message` says whether it worked, in the caller's words (drawn in the language of the moment). */
export const useCopy = (copied: () => string, failed: () => string) => {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  };
  return { message: outcome === 'copied' ? copied() : outcome === 'failed' ? failed() : '', copy };
};

/** The kinds as a select's options, named in the page's language (every kind chooser and filter). */
export const KindOptions = () => (
  <>
    {kinds.map((k) => (
      <option value={k.id} key={k.id}>
        {kindName(k.id)}
      </option>
    ))}
  </>
);
