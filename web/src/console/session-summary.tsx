/**
 * A session's summary (GET /api/sessions/{code}/summary): the ratings (count, average,
 * distribution, comments; hidden below the small-count threshold), what was raised by kind and by
 * outcome, and a link to those items in the queue (`sessionCode` filter). Bars are plain HTML with
 * their numbers as text, as on the dashboard.
 */
import { useEffect, useState } from 'preact/hooks';
import type * as z from 'zod/mini';
import { minCountOf, type Directory } from '../../../shared/schemas/directory';
import type { sessionSummary } from '../../../shared/schemas/session';
import { kindName, kinds } from '../lib/terms';
import { Banner } from '../lib/ui';
import type { Ctx } from './context';
import { problemText, sessionPath } from './session-data';
import { st } from './session-strings';
import { t } from './strings';

/** The summary as the API gives it; the small-count threshold too, should a server say it (`minCount`). */
type Summary = z.infer<typeof sessionSummary> & { ratings: { minCount?: number }; privacy?: { minCount?: number } };

const outcomes = [
  ['answeredOnSpot', 'oAnsweredOnSpot'],
  ['routed', 'oRouted'],
  ['answered', 'oAnswered'],
  ['closed', 'oClosed'],
  ['open', 'oOpen'],
  ['overdue', 'oOverdue'],
] as const;

const Tile = (props: { figure: string; value: string | number; label: string }) => (
  <div class="tile" data-figure={props.figure}>
    <div class="n">{props.value}</div>
    <div class="l">{props.label}</div>
  </div>
);

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(2)}%` : '0%');

export const SummaryView = (props: { ctx: Ctx; code: string }) => {
  const { ctx, code } = props;
  const [data, setData] = useState<Summary | null>(null);
  const [error, setError] = useState('');
  /** The small-count threshold, which the summary does not carry: the office reads it from the directory. */
  const [threshold, setThreshold] = useState<number | undefined>();
  useEffect(() => {
    void (async () => {
      const r = await ctx.api<Summary>('GET', `${sessionPath(code)}/summary`);
      if (r.ok) setData(r.json);
      else setError(problemText(r));
    })();
    if (ctx.roles.office) {
      void ctx.api<Directory>('GET', '/api/admin/directory').then((r) => {
        if (r.ok) setThreshold(minCountOf(r.json));
      });
    }
  }, [code]);
  if (error) return <Banner kind="bad">{error}</Banner>;
  if (!data) return <p role="status">{t('loading')}</p>;
  const { ratings, items } = data;
  const minCount = ratings.minCount ?? data.privacy?.minCount ?? threshold;
  const suppressed = ratings.average === null && ratings.count > 0;
  return (
    <section aria-labelledby="summary-heading" id="summary">
      <h2 id="summary-heading">{st('summaryTitle')}</h2>
      <div class="grid2">
        <div class="card">
          <h3>{st('ratings')}</h3>
          <div class="tiles">
            <Tile figure="ratings-count" value={ratings.count} label={st('ratingCount')} />
            <Tile figure="ratings-average" value={ratings.average === null ? '—' : ratings.average.toFixed(2)} label={st('ratingAverage')} />
          </div>
          {suppressed || (ratings.count > 0 && ratings.distribution === null) ? (
            <p class="notice warn" id="ratings-suppressed">
              {minCount ? st('suppressed', { n: minCount }) : st('suppressedNoN')}
            </p>
          ) : null}
          {ratings.distribution ? (
            <>
              <h4>{st('ratingDistribution')}</h4>
              <ul class="bars" id="ratings-distribution">
                {(['5', '4', '3', '2', '1'] as const).map((n) => (
                  <li class="bar-row" key={n} data-stars={n}>
                    <span>{st('starsN', { n })}</span>
                    <span class="bar" aria-hidden="true">
                      <span class="seg satisfied" style={{ width: pct(ratings.distribution![n] ?? 0, ratings.count) }} />
                    </span>
                    <span class="num">{ratings.distribution![n] ?? 0}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {ratings.comments ? (
            <>
              <h4>{st('comments')}</h4>
              {ratings.comments.length ? (
                <ul class="comments" id="ratings-comments">
                  {ratings.comments.map((c, i) => (
                    <li key={i} class="text">
                      {c}
                    </li>
                  ))}
                </ul>
              ) : (
                <p class="muted">{st('noComments')}</p>
              )}
            </>
          ) : null}
        </div>
        <div class="card">
          <h3>{st('items')}</h3>
          <div class="tiles">
            <Tile figure="items-total" value={items.total} label={st('itemsTotal')} />
          </div>
          <h4>{st('byOutcome')}</h4>
          <table class="figures" id="items-by-outcome">
            <tbody>
              {outcomes.map(([key, label]) => (
                <tr key={key} data-figure={key}>
                  <th scope="row">{st(label)}</th>
                  <td class="num">{items[key]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>{st('byKind')}</h4>
          <table class="figures" id="items-by-kind">
            <tbody>
              {kinds.map((k) => (
                <tr key={k.id} data-kind={k.id}>
                  <th scope="row">{kindName(k.id)}</th>
                  <td class="num">{items.byKind[k.id] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="row">
            <a id="session-items-link" href={`#/items?sessionCode=${encodeURIComponent(code)}`}>
              {st('viewItems')}
            </a>
            <a id="session-dashboard-link" href={`#/dashboard?sessionCode=${encodeURIComponent(code)}`}>
              {st('viewDashboard')}
            </a>
          </p>
        </div>
      </div>
    </section>
  );
};
