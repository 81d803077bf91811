/**
 * Merging a duplicate: the office picks the item it duplicates from a search (same group, else same
 * unit; titles most alike first; words of a title narrow it through the API's `q`, a code finds that
 * item), never by typing a code blind; then confirms. GET /api/items and GET /api/items/{id} only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ItemSummary, ItemView } from '../../../shared/schemas/staff';
import type { FieldErrors } from '../lib/api';
import { translateMessage } from '../lib/messages';
import { statusName } from '../lib/terms';
import { normalizeTrackingCode } from '../lib/tracking-code';
import { describedBy, FieldError } from '../lib/ui';
import { ConfirmedSubmit } from './confirm-step';
import { unitName, type Ctx } from './context';
import { t } from './strings';

type Mutate = (path: string, body: unknown, done: () => string) => Promise<{ ok: boolean; errors?: FieldErrors }>;

/**
 * How alike two titles are: the Dice coefficient of their character pairs. Chinese titles have no
 * spaces to split words on, and pairs of characters are what a similar title shares; a library for
 * this one ranking would weigh more than the console's whole item page.
 */
const pairs = (text: string): string[] => {
  const chars = [...text.replace(/\s+/g, '')];
  return chars.slice(1).map((c, i) => chars[i] + c);
};
export const titleSimilarity = (a: string, b: string): number => {
  const left = pairs(a);
  const right = pairs(b);
  if (!left.length || !right.length) return 0;
  const pool = new Map<string, number>();
  for (const p of right) pool.set(p, (pool.get(p) ?? 0) + 1);
  let shared = 0;
  for (const p of left) {
    const n = pool.get(p) ?? 0;
    if (n > 0) {
      shared++;
      pool.set(p, n - 1);
    }
  }
  return (2 * shared) / (left.length + right.length);
};

const shownCandidates = 8;

/** The items `item` may be merged into, most alike first: never itself, never an item merged in turn. */
const findCandidates = async (ctx: Ctx, item: ItemView, text: string): Promise<ItemSummary[] | null> => {
  const code = normalizeTrackingCode(text);
  if (code) {
    const r = await ctx.api<ItemView>('GET', `/api/items/${encodeURIComponent(code)}`);
    if (r.status === 404) return [];
    return r.ok ? [r.json].filter((c) => c.id !== item.id && c.status !== 'merged') : null;
  }
  const q = new URLSearchParams({ limit: '100' });
  if (item.groupId) q.set('groupId', item.groupId);
  else if (item.unitId) q.set('unitId', item.unitId);
  if (text.trim()) q.set('q', text.trim());
  const r = await ctx.api<{ items: ItemSummary[] }>('GET', `/api/items?${q}`);
  if (!r.ok) return null;
  return r.json.items
    .filter((c) => c.id !== item.id && c.status !== 'merged')
    .map((c) => ({ c, score: titleSimilarity(item.title, c.title) }))
    .sort((a, b) => b.score - a.score || b.c.createdAt.localeCompare(a.c.createdAt))
    .slice(0, shownCandidates)
    .map(({ c }) => c);
};

export const MergeForm = (props: { ctx: Ctx; item: ItemView; busy: boolean; mutate: Mutate }) => {
  const [text, setText] = useState('');
  const [candidates, setCandidates] = useState<ItemSummary[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [target, setTarget] = useState<ItemSummary | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    let current = true;
    // Typing pauses briefly before a search, so each keystroke does not cost a request.
    const timer = setTimeout(() => {
      void findCandidates(props.ctx, props.item, text).then((found) => {
        if (!current) return;
        setFailed(found === null);
        setCandidates(found ?? []);
      });
    }, text ? 300 : 0);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, props.item.id]);

  // Drawn at render, in the language of the moment (the server's messages are kept as it said them).
  const serverError = errors.targetId ?? errors[''];
  const error = missing ? t('mergeChoose') : serverError && translateMessage(serverError);
  return (
    <details>
      <summary>{t('merge')}</summary>
      <form
        noValidate
        id="merge-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!target) {
            setMissing(true);
            document.querySelector<HTMLInputElement>('#merge-candidates input')?.focus();
            return;
          }
          setMissing(false);
          setErrors({});
          setConfirming(true);
        }}
      >
        <div class="field">
          <label for="merge-q">{t('mergeSearch')}</label>
          <input type="search" id="merge-q" value={text} maxLength={100} aria-describedby="merge-q-hint" onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          <p class="hint" id="merge-q-hint">
            {t('mergeHint')}
          </p>
        </div>
        <fieldset id="merge-candidates" aria-describedby={describedBy(error && 'merge-target-error')}>
          <legend>{t('mergeCandidates')}</legend>
          {candidates === null ? (
            <p role="status" class="muted">
              {t('searching')}
            </p>
          ) : failed ? (
            <p role="alert">{t('network')}</p>
          ) : !candidates.length ? (
            <p class="muted" role="status">
              {t('mergeNone')}
            </p>
          ) : (
            candidates.map((c) => (
              <label class="opt candidate" key={c.id}>
                <input
                  type="radio"
                  name="merge-target"
                  id={`merge-to-${c.id}`}
                  value={c.id}
                  checked={target?.id === c.id}
                  onChange={() => {
                    setTarget(c);
                    setMissing(false);
                    setConfirming(false);
                  }}
                />
                <span>
                  <span lang="en">{c.trackingCode}</span> · {c.title} <span class={`badge status-${c.status}`}>{statusName(c.status)}</span>
                  {c.unitId ? <span class="muted small"> · {unitName(props.ctx, c.unitId)}</span> : null}
                </span>
              </label>
            ))
          )}
          <FieldError id="merge-target-error" message={error} />
        </fieldset>
        <ConfirmedSubmit
          id="merge"
          label={t('merge')}
          question={target ? t('mergeAsk', { code: target.trackingCode, title: target.title }) : ''}
          confirm={t('mergeConfirm')}
          confirming={confirming && target !== null}
          busy={props.busy}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setErrors((await props.mutate('/transition', { action: 'merge', targetId: target!.id }, () => t('merged'))).errors ?? {});
            setConfirming(false);
          }}
        />
      </form>
    </details>
  );
};
