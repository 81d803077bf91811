/**
 * Publishing an answer for everyone (答复公开, API.md v2 "Answers everyone may read") on the item
 * page, the office's alone (the rest of the staff see what is published, read-only): a form prefilled from the item (its title, its text, its last public
 * reply) that the office rewrites so nobody can be recognised, then publishes; a published answer
 * shows what everyone reads, and can be published again (edited) or withdrawn. Changes go through
 * the item page's `mutate` (If-Match, 412 reloads).
 */
import { useState } from 'preact/hooks';
import { publicationBody, type PublicationInput } from '../../../shared/schemas/answers';
import type { ItemView } from '../../../shared/schemas/staff';
import { validated, type FieldErrors } from '../lib/api';
import { dictionary, formatDateTime } from '../lib/i18n';
import { translateMessage } from '../lib/messages';
import { CharCount, describedBy, FieldError } from '../lib/ui';
import { ConfirmStep } from './confirm-step';

export const pt = dictionary(
  {
    heading: '答复公开',
    explain: '公开前请改写：删去姓名、单位、地点、电话等能认出提交人的内容。公开后所有人都能在“已公开的答复”页面看到，提交表单也会把它推荐给提相似问题的人。',
    open: '改写并公开',
    edit: '修改公开内容',
    title: '公开的标题',
    question: '公开的问题',
    answer: '公开的答复',
    chars: '字数',
    publish: '公开',
    republish: '保存修改',
    published: '已公开。',
    current: '{at} 由 {name} 公开：',
    withdraw: '撤回公开',
    withdrawAsk: '撤回后，所有人都将看不到这条答复。确定撤回吗？',
    withdrawConfirm: '确定撤回',
    withdrawn: '已撤回公开。',
    'action:publish': '公开答复',
    'action:republish': '修改公开答复',
    'action:withdraw': '撤回公开答复',
  },
  {
    heading: 'Published answer',
    explain: 'Rewrite it before publishing: leave out names, units, places, phone numbers, anything that could identify the submitter. Everyone can then read it on the published answers page, and the form suggests it to people asking something similar.',
    open: 'Rewrite and publish',
    edit: 'Edit the published text',
    title: 'Public title',
    question: 'Public question',
    answer: 'Public answer',
    chars: 'Characters',
    publish: 'Publish',
    republish: 'Save changes',
    published: 'Published.',
    current: 'Published on {at} by {name}:',
    withdraw: 'Withdraw',
    withdrawAsk: 'Once withdrawn, nobody can read this answer any more. Withdraw it?',
    withdrawConfirm: 'Withdraw',
    withdrawn: 'Withdrawn.',
    'action:publish': 'answer published',
    'action:republish': 'published answer edited',
    'action:withdraw': 'published answer withdrawn',
  },
);

/** The history's name for a publication action, or undefined for another action. */
export const publicationActionName = (action: string): string | undefined =>
  action === 'publish' || action === 'republish' || action === 'withdraw' ? pt(`action:${action}`) : undefined;

type Mutate = (path: string, body: unknown, done: () => string, method?: 'POST' | 'DELETE') => Promise<{ ok: boolean; errors?: FieldErrors }>;

const localised = (message: string | undefined): string | undefined => (message === undefined ? undefined : translateMessage(message));

/** What the form starts from: the published text, or the item's own (title, body, last public reply). */
const prefill = (item: ItemView): PublicationInput => {
  if (item.publication) return { title: item.publication.title, question: item.publication.question, answer: item.publication.answer };
  const lastPublic = [...item.replies].reverse().find((r) => r.visibility === 'public');
  return { title: item.title, question: item.body.slice(0, 2000), answer: (lastPublic?.body ?? '').slice(0, 5000) };
};

export const PublicationPanel = (props: { item: ItemView; office: boolean; busy: boolean; mutate: Mutate }) => {
  const { item } = props;
  const answered = item.status === 'answered' || item.status === 'closed';
  const [confirming, setConfirming] = useState(false);
  // Everyone on the staff sees what is published of the item; only the office changes it.
  if (!item.publication && !(props.office && answered)) return null;
  const pub = item.publication;
  return (
    <section class="card" aria-labelledby="publication-heading" id="publication">
      <h2 id="publication-heading">{pt('heading')}</h2>
      {pub ? (
        <div id="publication-current">
          <p class="muted small">{pt('current', { at: formatDateTime(pub.publishedAt), name: pub.publishedBy.name })}</p>
          <p>
            <strong>{pub.title}</strong>
          </p>
          <p class="text">{pub.question}</p>
          <p class="text">{pub.answer}</p>
          {!props.office ? null : confirming ? (
            <ConfirmStep
              id="withdraw"
              question={pt('withdrawAsk')}
              confirm={pt('withdrawConfirm')}
              busy={props.busy}
              onCancel={() => setConfirming(false)}
              onConfirm={async () => {
                await props.mutate('/publication', undefined, () => pt('withdrawn'), 'DELETE');
                setConfirming(false);
              }}
            />
          ) : (
            <button type="button" class="danger" id="withdraw" disabled={props.busy} onClick={() => setConfirming(true)}>
              {pt('withdraw')}
            </button>
          )}
        </div>
      ) : null}
      {props.office && answered ? <PublishForm key={pub?.publishedAt ?? 'new'} item={item} busy={props.busy} mutate={props.mutate} /> : null}
    </section>
  );
};

const fields = [
  { name: 'title', max: 120, rows: 0 },
  { name: 'question', max: 2000, rows: 4 },
  { name: 'answer', max: 5000, rows: 6 },
] as const;

const PublishForm = (props: { item: ItemView; busy: boolean; mutate: Mutate }) => {
  const [draft, setDraft] = useState<PublicationInput>(() => prefill(props.item));
  const [errors, setErrors] = useState<FieldErrors>({});
  const again = props.item.publication !== undefined;
  return (
    <details open={!again}>
      <summary>{again ? pt('edit') : pt('open')}</summary>
      <p class="muted small">{pt('explain')}</p>
      <form
        noValidate
        id="publication-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const valid = validated(publicationBody, draft, setErrors);
          if (!valid) return;
          const result = await props.mutate('/publication', valid, () => pt('published'));
          setErrors(result.errors ?? {});
        }}
      >
        {fields.map(({ name, max, rows }) => {
          const id = `publication-${name}`;
          const common = {
            id,
            value: draft[name],
            'aria-invalid': errors[name] ? true : undefined,
            'aria-describedby': describedBy(`${id}-count`, errors[name] && `${id}-error`),
            onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
          };
          return (
            <div class="field" key={name}>
              <label for={id}>{pt(name)}</label>
              {rows ? <textarea rows={rows} {...common} /> : <input type="text" {...common} />}
              <CharCount id={`${id}-count`} value={draft[name]} max={max} label={pt('chars')} />
              <FieldError id={`${id}-error`} message={localised(errors[name])} />
            </div>
          );
        })}
        <button type="submit" class="primary" disabled={props.busy}>
          {again ? pt('republish') : pt('publish')}
        </button>
      </form>
    </details>
  );
};
