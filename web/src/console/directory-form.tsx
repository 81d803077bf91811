/**
 * The directory as a form: one fieldset per part of the document, every field labelled, its
 * problems beside it (aria-invalid, aria-describedby) and linked from the summary above. A field's
 * id is its path in the document (`dir-units-0-groupId`), so a problem's `path`, the browser's
 * check or the server's `errors[].path`, finds its field (`problemTarget`).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { kindIds } from '../../../shared/schemas/directory';
import { webhookKinds } from '../../../shared/schemas/webhook';
import { kindName } from '../lib/terms';
import { describedBy } from '../lib/ui';
import { dt } from './directory-strings';

export type Path = readonly (string | number)[];
/** The document as edited: possibly invalid, so read defensively. */
export type Doc = Record<string, any>;

export interface FormApi {
  readonly doc: Doc;
  /** Sets the value at `path`; undefined removes the key (an optional field left empty). */
  set(path: Path, value: unknown): void;
  /** The problems whose target is this field (or section), in the page's language. */
  problems(id: string): string[];
}

export const fieldId = (path: Path | string): string => `dir-${(typeof path === 'string' ? path.split('.') : path).join('-')}`;

/** Fields holding a list of strings, edited one per line: a problem of one entry belongs to the whole field. */
const listField = /^(officeEmails|holidays|workdays|escalation\.leaderEmails|groups\.\d+\.notifyEmails)(\.\d+)?$/;
const leafField =
  /^(campaign\.(id|name|timezone)|officeWebhooks\.\d+\.(kind|url)|groups\.\d+\.webhooks\.\d+\.(kind|url)|campaign\.phases\.\d+\.(id|name|startsOn)|groups\.\d+\.(id|name)|units\.\d+\.(id|name|system|groupId)|sla\.\w+|rules\.\d+\.groupId|rules\.\d+\.when\.(kind|unitId|system)|escalation\.(remindBeforeWorkingDays|urgeAfterWorkingDays)|responseWorkingDays|privacy\.minCount)$/;
const sectionOf: Record<string, string> = { campaign: 'campaign', officeEmails: 'campaign', officeWebhooks: 'campaign', groups: 'groups', units: 'units', sla: 'sla', holidays: 'calendar', workdays: 'calendar', escalation: 'escalation', responseWorkingDays: 'escalation', privacy: 'escalation', rules: 'rules' };

/** The id of the element a problem at `path` ("units.0.groupId") belongs to: its field, else its section. */
export const problemTarget = (path: string): string => {
  const list = listField.exec(path);
  if (list) return fieldId(list[1]);
  if (leafField.test(path)) return fieldId(path);
  const section = sectionOf[path.split('.')[0]];
  return section ? `dir-section-${section}` : 'dir-form';
};

const numberFrom = (raw: string): unknown => (raw.trim() === '' ? undefined : Number.isFinite(Number(raw)) ? Number(raw) : raw);
const linesFrom = (raw: string): string[] => raw.split(/[\s,，;；]+/).filter(Boolean);

const Problems = (props: { id: string; problems: string[] }) =>
  props.problems.length ? (
    <div id={`${props.id}-error`} class="error">
      {props.problems.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </div>
  ) : null;

interface FieldProps {
  f: FormApi;
  path: Path;
  label: string;
  /** The label only for screen readers (a column heading says it on screen). */
  hideLabel?: boolean;
  hint?: string;
}

const useField = (props: FieldProps) => {
  const id = fieldId(props.path);
  const problems = props.f.problems(id);
  const value = props.path.reduce<any>((v, k) => (v == null ? undefined : v[k]), props.f.doc);
  const a11y = {
    id,
    'aria-invalid': problems.length ? true : undefined,
    'aria-describedby': describedBy(props.hint && `${id}-hint`, problems.length > 0 && `${id}-error`),
  };
  const label = (
    <label for={id} class={props.hideLabel ? 'sr-only' : undefined}>
      {props.label}
    </label>
  );
  const after = (
    <>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <Problems id={id} problems={problems} />
    </>
  );
  return { id, value, a11y, label, after };
};

export const TextField = (props: FieldProps & { type?: 'text' | 'date' | 'number'; lang?: string }) => {
  const { value, a11y, label, after } = useField(props);
  return (
    <div class="field">
      {label}
      <input
        type={props.type ?? 'text'}
        lang={props.lang}
        {...a11y}
        value={value == null ? '' : String(value)}
        onInput={(e) => {
          const raw = (e.target as HTMLInputElement).value;
          props.f.set(props.path, props.type === 'number' ? numberFrom(raw) : raw);
        }}
      />
      {after}
    </div>
  );
};

/** A list of strings, one per line. What is typed is kept as typed (a line being written), the document gets the entries. */
export const ListField = (props: FieldProps & { optional?: boolean }) => {
  const { value, a11y, label, after } = useField(props);
  const entries: string[] = Array.isArray(value) ? value.map(String) : [];
  const [text, setText] = useState(entries.join('\n'));
  useEffect(() => {
    // Replaced from outside (reload, the JSON tab): show the new list.
    if (linesFrom(text).join('\n') !== entries.join('\n')) setText(entries.join('\n'));
  }, [entries.join('\n')]);
  return (
    <div class="field">
      {label}
      <textarea
        rows={Math.min(8, Math.max(2, entries.length + 1))}
        lang="en"
        {...a11y}
        value={text}
        onInput={(e) => {
          const raw = (e.target as HTMLTextAreaElement).value;
          setText(raw);
          const list = linesFrom(raw);
          props.f.set(props.path, props.optional && !list.length ? undefined : list);
        }}
      />
      {after}
    </div>
  );
};

export const SelectField = (props: FieldProps & { choices: { value: string; label: string }[]; empty: string; optional?: boolean }) => {
  const { value, a11y, label, after } = useField(props);
  const current = value == null ? '' : String(value);
  // An unknown value stays visible (and its problem beside it) rather than silently replaced.
  const choices = current && !props.choices.some((c) => c.value === current) ? [...props.choices, { value: current, label: current }] : props.choices;
  return (
    <div class="field">
      {label}
      <select {...a11y} value={current} onChange={(e) => props.f.set(props.path, (e.target as HTMLSelectElement).value || (props.optional ? undefined : ''))}>
        <option value="">{props.empty}</option>
        {choices.map((c) => (
          <option value={c.value} key={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      {after}
    </div>
  );
};

/** A part of the document: a fieldset whose own problems (not of one field) are listed under its legend. */
export const Section = (props: { f: FormApi; id: string; legend: string; children: ComponentChildren }) => {
  const id = `dir-section-${props.id}`;
  const problems = props.f.problems(id);
  return (
    <fieldset class="card dir-section" id={id} tabIndex={-1} aria-describedby={problems.length ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
      <Problems id={id} problems={problems} />
      {props.children}
    </fieldset>
  );
};

/** The rows of a list (phases, groups, units, rules), each removable, and a button that adds one. */
export const Rows = (props: { f: FormApi; path: Path; what: (n: number) => string; add: string; blank: () => unknown; row: (i: number) => ComponentChildren }) => {
  const found = props.path.reduce<any>((v, k) => (v == null ? undefined : v[k]), props.f.doc);
  const list: unknown[] = Array.isArray(found) ? found : [];
  return (
    <>
      <ol class="dir-rows">
        {list.map((_, i) => (
          <li key={i} class="dir-row">
            {props.row(i)}
            <button type="button" class="small" aria-label={dt('removeWhat', { what: props.what(i + 1) })} onClick={() => props.f.set(props.path, list.filter((_, j) => j !== i))}>
              {dt('remove')}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => props.f.set(props.path, [...list, props.blank()])}>
        {props.add}
      </button>
    </>
  );
};

export const kindChoices = () => kindIds.map((k) => ({ value: k, label: kindName(k) }));

const webhookKindNames = { wecom: 'webhookKindWecom', dingtalk: 'webhookKindDingtalk', feishu: 'webhookKindFeishu', generic: 'webhookKindGeneric' } as const;

/** The group-chat robots of a group or the office (API.md v2, "Group chats"): a kind and a URL each. */
export const WebhookRows = (props: { f: FormApi; path: Path; owner: string; heading: string }) => {
  const label = (j: number, what: string) => `${dt('webhook', { owner: props.owner, n: j + 1 })} · ${what}`;
  return (
    <div class="field">
      <p class="label">{props.heading}</p>
      <Rows
        f={props.f}
        path={props.path}
        what={(n) => dt('webhook', { owner: props.owner, n })}
        add={dt('addWebhook')}
        blank={() => ({ kind: 'wecom', url: '' })}
        row={(j) => (
          <>
            <SelectField
              f={props.f}
              path={[...props.path, j, 'kind']}
              label={label(j, dt('webhookKind'))}
              choices={webhookKinds.map((k) => ({ value: k, label: dt(webhookKindNames[k]) }))}
              empty={dt('chooseGroup')}
            />
            <TextField f={props.f} path={[...props.path, j, 'url']} label={label(j, dt('webhookUrl'))} lang="en" hint={dt('webhookUrlHint')} />
          </>
        )}
      />
    </div>
  );
};
