/**
 * The printable report (`#/report?phase=&from=&to=`, office and leaders): what the office hands
 * upward, from GET /api/reports/summary, whose figures are the dashboard's for the same filter.
 * On screen a preview of the A4 sheets with the chooser above; in print (print CSS in report.css)
 * the sheets alone, tables kept whole across pages where they fit.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatDate, formatDateTime, useLang } from '../lib/i18n';
import { problemText, said, type Said } from '../lib/messages';
import { kindName, kinds } from '../lib/terms';
import { Banner } from '../lib/ui';
import { go, type Ctx } from './context';
import { rectificationStatusLabels } from '../../../shared/domain/labels';
import { rectificationStatuses, type RectificationStatus } from '../../../shared/domain/rectification';
import { GroupCountCells, RatesTable, type Rates } from './dashboard';
import { HeaderRow, SelectField } from './fields';
import { rt } from './report-strings';
import { t } from './strings';
import './report.css';

interface ReportItem {
  trackingCode: string;
  kind: string;
  title: string;
  status: string;
  unitName?: string;
  groupName: string;
  createdAt: string;
  dueAt?: string;
  urgedAt?: string;
}

type RectificationCounts = Record<RectificationStatus | 'overdue', number>;

interface ReportData {
  generatedAt: string;
  filter: { phase?: { id: string; name: string }; from?: string; to?: string; timezone: string };
  campaign: { id: string; name: string };
  totals: Record<string, number>;
  byKind: Record<string, number>;
  rates: Rates;
  rectifications: RectificationCounts;
  byGroup: { groupId: string | null; name: string; open: number; overdue: number; urged: number; answered: number; closed: number; rates: Rates; rectifications: RectificationCounts }[];
  hotSpots: { unitId: string; name: string; total: number | null; open: number | null; problems: number | null; suppressed?: true }[];
  overdue: { count: number; items: ReportItem[] };
  urged: { count: number; items: ReportItem[] };
  sessions: {
    session: { code: string; title: string; startsAt: string; place?: string };
    ratings: { count: number; average: number | null };
    items: { total: number; answeredOnSpot: number; open: number };
  }[];
  practices: (ReportItem & { body: string })[];
}

const scopeLines = (data: ReportData): string[] => {
  const { phase, from, to } = data.filter;
  const period = from && to ? rt('scopePeriod', { from, to }) : from ? rt('scopeFrom', { from }) : to ? rt('scopeTo', { to }) : rt('scopeAllTime');
  return [phase ? rt('scopePhase', { name: phase.name }) : rt('scopeAll'), period];
};

/** Overdue or urged items: a table of the first ones listed, or "none". */
const ItemTable = (props: { id: string; heading: string; list: { count: number; items: ReportItem[] }; when: 'due' | 'urgedAt' }) => (
  <section aria-labelledby={`${props.id}-heading`}>
    <h2 id={`${props.id}-heading`}>{props.heading}</h2>
    {props.list.items.length === 0 ? (
      <p>{rt('none')}</p>
    ) : (
      <>
        {props.list.count > props.list.items.length ? <p class="small">{rt('listedFirst', { n: props.list.items.length })}</p> : null}
        <table id={props.id}>
          <HeaderRow labels={[rt('code'), rt('itemTitle'), rt('unit'), rt('group'), props.when === 'due' ? rt('due') : rt('urgedAt')]} />
          <tbody>
            {props.list.items.map((item) => (
              <tr key={item.trackingCode}>
                <td class="code">{item.trackingCode}</td>
                <td>{item.title}</td>
                <td>{item.unitName ?? ''}</td>
                <td>{item.groupName}</td>
                <td>{props.when === 'due' ? formatDate(item.dueAt) : formatDateTime(item.urgedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    )}
  </section>
);

export const Report = (props: { ctx: Ctx; query: URLSearchParams }) => {
  const { ctx, query } = props;
  const lang = useLang();
  // Kept with the filter it answers: after a new choice the old sheets are not shown as the new ones.
  const [loaded, setLoaded] = useState<{ search: string; data: ReportData } | null>(null);
  const [error, setError] = useState<Said | null>(null);
  const filter = { phase: query.get('phase') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' };
  const search = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
  const data = loaded?.search === search ? loaded.data : null;

  useEffect(() => {
    // Only the sheets are printed: the console around them is hidden by print CSS keyed on this class.
    document.body.classList.add('print-sheet');
    return () => document.body.classList.remove('print-sheet');
  }, []);

  useEffect(() => {
    let current = true;
    void (async () => {
      const r = await ctx.api<ReportData>('GET', `/api/reports/summary${search ? `?${search}` : ''}`);
      // A later choice wins over an answer that arrives after it.
      if (!current) return;
      if (r.ok) {
        setLoaded({ search, data: r.json });
        setError(null);
      } else setError(said(() => (r.status === 0 ? t('network') : problemText(r))));
    })();
    return () => {
      current = false;
    };
  }, [search]);

  const choose = (name: keyof typeof filter, value: string) => {
    const next = new URLSearchParams(Object.entries({ ...filter, [name]: value }).filter(([, v]) => v)).toString();
    go(`#/report${next ? `?${next}` : ''}`);
  };
  const totals = data?.totals ?? {};
  const figures = ['all', 'open', 'overdue', 'urged', 'answered', 'closed', 'rejected', 'merged'] as const;
  const open = (totals.submitted ?? 0) + (totals.assigned ?? 0) + (totals.in_progress ?? 0) + (totals.reopened ?? 0);

  return (
    <>
      <div class="card row no-print" role="group" aria-label={rt('chooser')}>
        <SelectField id="r-phase" label={t('fPhase')} value={filter.phase} onChange={(v) => choose('phase', v)} options={ctx.lookup.phases} empty={t('allPhases')} />
        <div class="field">
          <label for="r-from">{rt('from')}</label>
          <input type="date" id="r-from" value={filter.from} onChange={(e) => choose('from', (e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="r-to">{rt('to')}</label>
          <input type="date" id="r-to" value={filter.to} onChange={(e) => choose('to', (e.target as HTMLInputElement).value)} />
        </div>
        <span class="spacer" />
        <button type="button" class="primary" id="print-report" onClick={() => print()}>
          {rt('print')}
        </button>
        <span class="small muted">{rt('printHint')}</span>
      </div>
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      {!data ? (
        error ? null : <p role="status">{t('loading')}</p>
      ) : (
        // data-query: which filter the sheets show (a test waits for the one it asked for).
        <article class="report" id="report" aria-labelledby="report-heading" data-query={search}>
          <h1 id="report-heading">{rt('title', { campaign: data.campaign.name })}</h1>
          <p class="report-scope">
            {scopeLines(data).map((line) => (
              <span key={line}>{line}</span>
            ))}
          </p>
          <p class="small">{rt('generated', { at: formatDateTime(data.generatedAt), tz: data.filter.timezone })}</p>

          <section aria-labelledby="r-totals-heading">
            <h2 id="r-totals-heading">{rt('totals')}</h2>
            <table id="report-totals" class="figures-row">
              <HeaderRow labels={figures.map((f) => rt(f))} />
              <tbody>
                <tr>
                  {figures.map((f) => (
                    <td class="num" key={f} data-total={f}>
                      {f === 'open' ? open : (totals[f] ?? 0)}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </section>

          <section aria-labelledby="r-rates-heading">
            <h2 id="r-rates-heading">{rt('rates')}</h2>
            <RatesTable id="report-rates" overall={data.rates} byGroup={data.byGroup} />
            <p class="small">{t('ratesNote')}</p>
          </section>

          <section aria-labelledby="r-groups-heading">
            <h2 id="r-groups-heading">{rt('groups')}</h2>
            <table id="report-groups">
              <HeaderRow labels={[t('colGroup'), rt('open'), rt('overdue'), rt('urged'), rt('answered'), rt('closed')]} numeric={5} />
              <tbody>
                {data.byGroup.map((g) => (
                  <tr key={g.groupId ?? 'office'} data-group={g.groupId ?? 'office'}>
                    <th scope="row">{g.name}</th>
                    <GroupCountCells counts={g} />
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section aria-labelledby="r-kinds-heading">
            <h2 id="r-kinds-heading">{rt('kinds')}</h2>
            <table id="report-kinds" class="figures-row">
              <HeaderRow labels={kinds.map((k) => kindName(k.id))} />
              <tbody>
                <tr>
                  {kinds.map((k) => (
                    <td class="num" key={k.id}>
                      {data.byKind[k.id] ?? 0}
                    </td>
                  ))}
                </tr>
              </tbody>
            </table>
          </section>

          <section aria-labelledby="r-hot-heading">
            <h2 id="r-hot-heading">{rt('hotSpots')}</h2>
            {data.hotSpots.length === 0 ? (
              <p>{rt('none')}</p>
            ) : (
              <table id="report-hot">
                <HeaderRow labels={[rt('unit'), rt('unitTotal'), rt('unitOpen'), rt('unitProblems')]} numeric={3} />
                <tbody>
                  {data.hotSpots.map((u) => (
                    <tr key={u.unitId} data-unit={u.unitId}>
                      <th scope="row">{u.name}</th>
                      {u.suppressed ? (
                        <td colSpan={3} class="small" data-suppressed="true">
                          {t('suppressedUnit')}
                        </td>
                      ) : (
                        <>
                          <td class="num">{u.total}</td>
                          <td class="num">{u.open}</td>
                          <td class="num">{u.problems}</td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <ItemTable id="report-overdue" heading={rt('overdueList', { n: data.overdue.count })} list={data.overdue} when="due" />
          <ItemTable id="report-urged" heading={rt('urgedList', { n: data.urged.count })} list={data.urged} when="urgedAt" />

          <section aria-labelledby="r-sessions-heading">
            <h2 id="r-sessions-heading">{rt('sessions')}</h2>
            {data.sessions.length === 0 ? (
              <p>{rt('none')}</p>
            ) : (
              <table id="report-sessions">
                <HeaderRow labels={[rt('session'), rt('startsAt'), rt('score'), rt('raised'), rt('onSpot'), rt('stillOpen')]} numeric={4} />
                <tbody>
                  {data.sessions.map((s) => (
                    <tr key={s.session.code} data-session={s.session.code}>
                      <th scope="row">{s.session.title}</th>
                      <td>{formatDateTime(s.session.startsAt)}</td>
                      <td class="num">
                        {s.ratings.average === null ? '—' : s.ratings.average}（{s.ratings.count}）
                      </td>
                      <td class="num">{s.items.total}</td>
                      <td class="num">{s.items.answeredOnSpot}</td>
                      <td class="num">{s.items.open}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="r-practices-heading">
            <h2 id="r-practices-heading">{rt('practices')}</h2>
            {data.practices.length === 0 ? (
              <p>{rt('none')}</p>
            ) : (
              <ol id="report-practices" class="report-practices">
                {data.practices.map((p) => (
                  <li key={p.trackingCode}>
                    <strong>{p.title}</strong>
                    <span class="small">（{[p.unitName, p.groupName].filter(Boolean).join('，')}）</span>
                    <p>{p.body}</p>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section aria-labelledby="r-rect-heading">
            <h2 id="r-rect-heading">{rt('rectifications')}</h2>
            <table id="report-rectifications">
              <HeaderRow labels={[t('colGroup'), ...rectificationStatuses.map((s) => rectificationStatusLabels[s][lang === 'zh' ? 0 : 1]), rt('rectOverdue')]} numeric={rectificationStatuses.length + 1} />
              <tbody>
                {[{ key: 'all', name: t('ratesOverall'), counts: data.rectifications }, ...data.byGroup.map((g) => ({ key: g.groupId ?? 'office', name: g.name, counts: g.rectifications }))].map((row) => (
                  <tr key={row.key} data-group={row.key}>
                    <th scope="row">{row.name}</th>
                    {[...rectificationStatuses, 'overdue' as const].map((s) => (
                      <td class="num" key={s}>
                        {row.counts[s]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </article>
      )}
    </>
  );
};
