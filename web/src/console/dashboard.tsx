/**
 * The dashboard: totals as tiles, per-group stacked bars with the table beside them, hot-spot
 * units, satisfaction and kinds, all from GET /api/dashboard; the CSV export. Charts are plain
 * HTML bars (no chart library); each comes with the numbers as text, so nothing depends on colour.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../lib/i18n';
import { kindName, kinds, openStatuses, satisfactionName } from '../lib/terms';
import { Banner } from '../lib/ui';
import type { Ctx } from './context';
import { HeaderRow } from './fields';
import { lt } from './ladder-strings';
import { rt } from './report-strings';
import { t } from './strings';
// Not Authorization: CloudFront's origin access control puts its own signature there (docs/api.md).
import { staffTokenHeader } from '../../../shared/http/staff-token';
import { problemText, said, type Said } from '../lib/messages';
import { RectificationTable, type RectificationCounts } from './dashboard-rectifications';
import { rt as rect } from './rectification-strings';
import { saveFile } from './save-file';

interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}
export type Rates = { response: Rate; resolution: Rate; satisfaction: Rate };

interface DashboardData {
  generatedAt: string;
  totals: Record<string, number>;
  byGroup: { groupId: string | null; name: string; open: number; overdue: number; urged: number; answered: number; closed: number; medianFirstReplyHours: number | null; rates: Rates; rectifications: RectificationCounts }[];
  /** A unit below the privacy minimum has its numbers null (`suppressed`) for all but the office. */
  byUnit: { unitId: string; name: string; total: number | null; open: number | null; problems: number | null; suppressed?: true }[];
  byKind: Record<string, number>;
  satisfaction: { satisfied: number; basically: number; unsatisfied: number; rate: number | null };
  rates: Rates;
  rectifications: RectificationCounts;
}

const rateNames = [
  ['response', 'rateResponse'],
  ['resolution', 'rateResolution'],
  ['satisfaction', 'rateSatisfaction'],
] as const;

/** "96.7% (29/30)", or "—" while nothing is counted. */
const RateCell = (props: { rate: Rate; which: string }) => (
  <td class="num" data-rate={props.which}>
    {props.rate.rate === null ? '—' : `${Math.round(props.rate.rate * 1000) / 10}%`}
    <span class="small muted">
      {' '}
      ({props.rate.numerator}/{props.rate.denominator})
    </span>
  </td>
);

/**
 * The median first reply: the histogram's bucket midpoint, except under an hour, where "0.5 hours"
 * would claim a precision the bucket does not have.
 */
const medianText = (hours: number | null) => (hours === null ? '—' : hours < 1 ? t('underHour') : t('hours', { n: Math.round(hours * 10) / 10 }));

/** A group's item figures, in the column order the dashboard and the printed report share. */
export const GroupCountCells = (props: { counts: { open: number; overdue: number; urged: number; answered: number; closed: number } }) => (
  <>
    <td class="num">{props.counts.open}</td>
    <td class="num">{props.counts.overdue}</td>
    <td class="num">{props.counts.urged}</td>
    <td class="num">{props.counts.answered}</td>
    <td class="num">{props.counts.closed}</td>
  </>
);

/** The three rates, overall and for each group (the dashboard's and the printed report's). */
export const RatesTable = (props: { id: string; overall: Rates; byGroup: readonly { groupId: string | null; name: string; rates: Rates }[] }) => (
  <table id={props.id}>
    <caption class="sr-only">{t('ratesTitle')}</caption>
    <HeaderRow labels={[t('colGroup'), ...rateNames.map(([, name]) => t(name))]} numeric={rateNames.length} />
    <tbody>
      {[{ groupId: 'all', name: t('ratesOverall'), rates: props.overall }, ...props.byGroup.map((g) => ({ groupId: g.groupId ?? 'office', name: g.name, rates: g.rates }))].map((row) => (
        <tr key={row.groupId} data-group={row.groupId}>
          <th scope="row">{row.name}</th>
          {rateNames.map(([which]) => (
            <RateCell key={which} which={which} rate={row.rates[which]} />
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(2)}%` : '0%');

const Seg = (props: { cls: string; n: number; of: number }) =>
  props.n > 0 ? <span class={`seg ${props.cls}`} style={{ width: pct(props.n, props.of) }} /> : null;

const Legend = (props: { items: [string, string][] }) => (
  <div class="legend" aria-hidden="true">
    {props.items.map(([cls, label]) => (
      <span key={cls}>
        <span class={`sw seg ${cls}`} />
        {label}
      </span>
    ))}
  </div>
);

export const Dashboard = (props: { ctx: Ctx; query?: URLSearchParams }) => {
  const { ctx } = props;
  const [phase, setPhase] = useState('');
  const [groupId, setGroupId] = useState('');
  const [sessionCode, setSessionCode] = useState(props.query?.get('sessionCode') ?? '');
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<Said | null>(null);
  const [exportState, setExportState] = useState<Said | null>(null);

  const query = () => {
    const q = new URLSearchParams();
    if (phase) q.set('phase', phase);
    if (groupId) q.set('groupId', groupId);
    if (sessionCode) q.set('sessionCode', sessionCode);
    return q.toString();
  };

  useEffect(() => {
    void (async () => {
      const r = await ctx.api<DashboardData>('GET', `/api/dashboard${query() ? `?${query()}` : ''}`);
      if (r.ok) {
        setData(r.json);
        setError(null);
      } else setError(said(() => (r.status === 0 ? t('network') : problemText(r))));
    })();
  }, [phase, groupId, sessionCode]);

  const canExport = ctx.roles.office || ctx.roles.leader;
  /** Downloads an export (`csv` for machines, `xlsx` for people) of what the filters show. */
  const exportFile = async (format: 'csv' | 'xlsx') => {
    setExportState(said(() => t('exporting')));
    let response: Response;
    try {
      response = await fetch(`/api/exports/items.${format}${query() ? `?${query()}` : ''}`, { headers: { [staffTokenHeader]: `Bearer ${ctx.session.token}` } });
    } catch {
      setExportState(said(() => t('network')));
      return;
    }
    if (!response.ok) {
      setExportState(said(() => problemText({ status: response.status })));
      return;
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `yijian-items.${format}`;
    saveFile(await response.blob(), name);
    setExportState(said(() => t('exported', { name })));
  };

  const groups = ctx.roles.office || ctx.roles.leader ? ctx.lookup.groups : ctx.lookup.groups.filter((g) => ctx.roles.groups.includes(g.id));
  const totals = data?.totals ?? {};
  const open = openStatuses.reduce((n, s) => n + (totals[s] ?? 0), 0);
  const groupMax = Math.max(1, ...(data?.byGroup ?? []).map((g) => g.open + g.answered + g.closed));
  const units = (data?.byUnit ?? []).slice(0, 10);
  const unitMax = Math.max(1, ...units.map((u) => u.total ?? 0));
  const sat = data?.satisfaction;
  const rated = sat ? sat.satisfied + sat.basically + sat.unsatisfied : 0;
  const kindMax = Math.max(1, ...Object.values(data?.byKind ?? {}));

  return (
    <>
      <h1>{t('dashTitle')}</h1>
      <div class="card row">
        <div class="field">
          <label for="d-phase">{t('fPhase')}</label>
          <select id="d-phase" value={phase} onChange={(e) => setPhase((e.target as HTMLSelectElement).value)}>
            <option value="">{t('allPhases')}</option>
            {ctx.lookup.phases.map((p) => (
              <option value={p.id} key={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        {groups.length > 1 ? (
          <div class="field">
            <label for="d-group">{t('fGroup')}</label>
            <select id="d-group" value={groupId} onChange={(e) => setGroupId((e.target as HTMLSelectElement).value)}>
              <option value="">{t('allGroups')}</option>
              {groups.map((g) => (
                <option value={g.id} key={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="field">
          <label for="d-session">{t('fSession')}</label>
          {/* Applied on change (Enter or leaving the field), not on every keystroke. */}
          <input type="search" id="d-session" lang="en" maxLength={64} value={sessionCode} onChange={(e) => setSessionCode((e.target as HTMLInputElement).value.trim())} />
        </div>
        <span class="spacer" />
        {canExport ? (
          <>
            <button type="button" id="export-xlsx" onClick={() => void exportFile('xlsx')}>
              {rt('exportXlsx')}
            </button>
            <button type="button" id="export" onClick={() => void exportFile('csv')}>
              {t('export')}
            </button>
          </>
        ) : null}
        <span role="status" class="small muted">
          {exportState?.text()}
        </span>
      </div>
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      {!data ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <>
          <p class="muted small">{t('generatedAt', { at: formatDateTime(data.generatedAt) })}</p>
          <div class="tiles" id="totals">
            <div class="tile" data-total="all">
              <div class="n">{totals.all ?? 0}</div>
              <div class="l">{t('tAll')}</div>
            </div>
            <div class="tile" data-total="open">
              <div class="n">{open}</div>
              <div class="l">{t('tOpen')}</div>
            </div>
            <div class={totals.overdue ? 'tile bad' : 'tile'} data-total="overdue">
              <div class="n">{totals.overdue ?? 0}</div>
              <div class="l">{t('tOverdue')}</div>
            </div>
            <div class={totals.urged ? 'tile bad' : 'tile'} data-total="urged">
              <div class="n">{totals.urged ?? 0}</div>
              <div class="l">
                <a href="#/items?urged=true">{lt('tUrged')}</a>
              </div>
            </div>
            <div class="tile" data-total="answered">
              <div class="n">{totals.answered ?? 0}</div>
              <div class="l">{t('tAnswered')}</div>
            </div>
            <div class={totals.closed ? 'tile ok' : 'tile'} data-total="closed">
              <div class="n">{totals.closed ?? 0}</div>
              <div class="l">{t('tClosed')}</div>
            </div>
            <div class={sat?.rate ? 'tile ok' : 'tile'} data-total="rate">
              <div class="n">{sat?.rate === null || sat?.rate === undefined ? '—' : `${Math.round(sat.rate * 100)}%`}</div>
              <div class="l">{t('tRate')}</div>
            </div>
          </div>

          <div class="grid2">
            <section class="card" aria-labelledby="by-group-heading">
              <h2 id="by-group-heading">{t('byGroup')}</h2>
              <Legend
                items={[
                  ['open', t('colOpen')],
                  ['overdue', t('colOverdue')],
                  ['answered', t('colAnswered')],
                  ['closed', t('colClosed')],
                ]}
              />
              <div class="bars" aria-hidden="true">
                {data.byGroup.map((g) => (
                  <div class="bar-row" key={g.groupId ?? 'office'}>
                    <span>{g.name}</span>
                    <span class="bar">
                      <Seg cls="overdue" n={g.overdue} of={groupMax} />
                      <Seg cls="open" n={g.open - g.overdue} of={groupMax} />
                      <Seg cls="answered" n={g.answered} of={groupMax} />
                      <Seg cls="closed" n={g.closed} of={groupMax} />
                    </span>
                    <span class="num">{g.open + g.answered + g.closed}</span>
                  </div>
                ))}
              </div>
              <div class="table-wrap">
                <table id="by-group">
                  <caption class="sr-only">{t('byGroup')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('colGroup')}</th>
                      <th scope="col" class="num">{t('colOpen')}</th>
                      <th scope="col" class="num">{t('colOverdue')}</th>
                      <th scope="col" class="num">{lt('urged')}</th>
                      <th scope="col" class="num">{t('colAnswered')}</th>
                      <th scope="col" class="num">{t('colClosed')}</th>
                      <th scope="col" class="num">{t('colMedian')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.byGroup.map((g) => (
                      <tr key={g.groupId ?? 'office'} data-group={g.groupId ?? 'office'}>
                        <th scope="row">{g.name}</th>
                        <GroupCountCells counts={g} />
                        <td class="num">{medianText(g.medianFirstReplyHours)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>

            <section class="card" aria-labelledby="hot-heading">
              <h2 id="hot-heading">{t('hotUnits')}</h2>
              {units.length ? (
                <>
                  <Legend
                    items={[
                      ['problems', t('colProblems')],
                      ['total', t('colTotal')],
                    ]}
                  />
                  <ol class="bars" id="hot-units">
                    {units.map((u) => (
                      <li class="bar-row" key={u.unitId}>
                        <span>{u.name}</span>
                        {u.suppressed ? (
                          <span class="small muted" data-suppressed="true">
                            {t('suppressedUnit')}
                          </span>
                        ) : (
                          <>
                            <span class="bar" aria-hidden="true">
                              <Seg cls="problems" n={u.problems ?? 0} of={unitMax} />
                              <Seg cls="total" n={(u.total ?? 0) - (u.problems ?? 0)} of={unitMax} />
                            </span>
                            <span class="num">
                              {u.total}
                              <span class="sr-only">
                                {' '}
                                ({t('colOpen')} {u.open}, {t('colProblems')} {u.problems})
                              </span>
                            </span>
                          </>
                        )}
                      </li>
                    ))}
                  </ol>
                </>
              ) : (
                <p class="muted">{t('noData')}</p>
              )}
            </section>

            <section class="card" aria-labelledby="rates-heading">
              <h2 id="rates-heading">{t('ratesTitle')}</h2>
              <div class="table-wrap">
                <RatesTable id="rates" overall={data.rates} byGroup={data.byGroup} />
              </div>
              <p class="muted small">{t('ratesNote')}</p>
            </section>

            <section class="card" aria-labelledby="rectification-counts-heading">
              <h2 id="rectification-counts-heading">{rect('heading')}</h2>
              <div class="table-wrap">
                <RectificationTable overall={data.rectifications} byGroup={data.byGroup} />
              </div>
            </section>

            <section class="card" aria-labelledby="sat-heading">
              <h2 id="sat-heading">{t('satisfactionTitle')}</h2>
              {sat && rated ? (
                <>
                  <div class="bar satbar" aria-hidden="true">
                    <Seg cls="satisfied" n={sat.satisfied} of={rated} />
                    <Seg cls="basically" n={sat.basically} of={rated} />
                    <Seg cls="unsatisfied" n={sat.unsatisfied} of={rated} />
                  </div>
                  <ul class="legend" id="satisfaction">
                    {(['satisfied', 'basically', 'unsatisfied'] as const).map((s) => (
                      <li key={s} data-satisfaction={s}>
                        <span class={`sw seg ${s}`} aria-hidden="true" />
                        {satisfactionName(s)} {sat[s]} ({pct(sat[s], rated).replace('.00', '')})
                      </li>
                    ))}
                  </ul>
                  <p class="muted small">{t('rated', { n: rated })}</p>
                </>
              ) : (
                <p class="muted">{t('noData')}</p>
              )}
            </section>

            <section class="card" aria-labelledby="kind-heading">
              <h2 id="kind-heading">{t('byKind')}</h2>
              <ul class="bars" id="by-kind">
                {kinds.map((k) => (
                  <li class="bar-row" key={k.id}>
                    <span>{kindName(k.id)}</span>
                    <span class="bar" aria-hidden="true">
                      <Seg cls="total" n={data.byKind[k.id] ?? 0} of={kindMax} />
                    </span>
                    <span class="num">{data.byKind[k.id] ?? 0}</span>
                  </li>
                ))}
              </ul>
            </section>
          </div>
        </>
      )}
    </>
  );
};
