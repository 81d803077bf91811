/** Recommended good practices (GET /api/practices): the examples passed upward. */
import { useEffect, useState } from 'preact/hooks';
import type { ItemSummary } from '../../../shared/schemas/staff';
import { formatDate } from '../lib/i18n';
import { Banner } from '../lib/ui';
import { groupName, unitName, type Ctx } from './context';
import { t } from './strings';
import { problemText, said, type Said } from '../lib/messages';

export const Practices = (props: { ctx: Ctx }) => {
  const { ctx } = props;
  const [items, setItems] = useState<(ItemSummary & { body: string })[] | null>(null);
  const [error, setError] = useState<Said | null>(null);
  useEffect(() => {
    void (async () => {
      const r = await ctx.api<{ items: (ItemSummary & { body: string })[] }>('GET', '/api/practices');
      if (r.ok) setItems(r.json.items);
      else setError(said(() => (r.status === 0 ? t('network') : problemText(r))));
    })();
  }, []);
  return (
    <>
      <h1>{t('practicesTitle')}</h1>
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      {!items ? (
        <p role="status">{t('loading')}</p>
      ) : !items.length ? (
        <p class="muted">{t('noPractices')}</p>
      ) : (
        items.map((item) => (
          <article class="card practice" key={item.id}>
            <h2>
              <a href={`#/item/${encodeURIComponent(item.id)}`}>{item.title}</a>
            </h2>
            <p class="muted small">
              {[unitName(ctx, item.unitId), groupName(ctx, item.groupId), formatDate(item.createdAt)].filter(Boolean).join(' · ')}
            </p>
            <p class="text">{item.body}</p>
          </article>
        ))
      )}
    </>
  );
};
