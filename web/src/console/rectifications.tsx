/**
 * The rectification ledger (整改台账, GET /api/rectifications): by status, group and unit, the
 * earliest deadline (so the overdue) first, page by page; the office and leaders export it as a
 * spreadsheet. A unit's liaison sees their unit's only (the API decides; the page just asks).
 */
import { useEffect, useState } from 'preact/hooks';
import { rectificationStatuses } from '../../../shared/domain/rectification';
import type { LedgerRow } from '../../../shared/schemas/rectification';
import { staffTokenHeader } from '../../../shared/http/staff-token';
import { formatDateTime } from '../lib/i18n';
import { problemText, said, type Said } from '../lib/messages';
import { Banner } from '../lib/ui';
import { liaisonOnly } from './auth';
import { go, groupName, unitName, type Ctx } from './context';
import { rectificationStatusName, rt } from './rectification-strings';
import { t } from './strings';
import { saveFile } from './save-file';

const filterKeys = ['status', 'groupId', 'unitId', 'overdue'] as const;

export const Rectifications = (props: { ctx: Ctx; query: URLSearchParams }) => {
  const { ctx, query } = props;
  const [rows, setRows] = useState<LedgerRow[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<Said | null>(null);
  const [exportState, setExportState] = useState<Said | null>(null);
  const filters = new URLSearchParams(filterKeys.flatMap((k) => (query.get(k) ? [[k, query.get(k)!]] : [])));
  const key = filters.toString();

  const load = async (cursor?: string) => {
    const params = new URLSearchParams(filters);
    if (cursor) params.set('cursor', cursor);
    const r = await ctx.api<{ items: LedgerRow[]; nextCursor?: string }>('GET', `/api/rectifications?${params.toString()}`);
    if (!r.ok) {
      setError(said(() => (r.status === 0 ? t('network') : problemText(r))));
      return;
    }
    setError(null);
    setRows((before) => [...(cursor ? (before ?? []) : []), ...r.json.items]);
    setNext(r.json.nextCursor);
  };
  useEffect(() => {
    setRows(null);
    void load();
  }, [key]);

  const setFilter = (name: (typeof filterKeys)[number], value: string) => {
    const params = new URLSearchParams(filters);
    if (value) params.set(name, value);
    else params.delete(name);
    go(`#/rectifications${params.toString() ? `?${params.toString()}` : ''}`);
  };

  const canExport = ctx.roles.office || ctx.roles.leader;
  const exportXlsx = async () => {
    setExportState(said(() => rt('exporting')));
    const response = await fetch(`/api/exports/rectifications.xlsx${key ? `?${key}` : ''}`, { headers: { [staffTokenHeader]: `Bearer ${ctx.session.token}` } }).catch(() => null);
    if (!response?.ok) {
      setExportState(said(() => (response ? problemText({ status: response.status }) : t('network'))));
      return;
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'yijian-rectifications.xlsx';
    saveFile(await response.blob(), name);
    setExportState(said(() => rt('exported', { name })));
  };

  const liaison = liaisonOnly(ctx.roles);
  const groups = ctx.roles.office || ctx.roles.leader ? ctx.lookup.groups : ctx.lookup.groups.filter((g) => ctx.roles.groups.includes(g.id));
  return (
    <>
      <h1>{rt('ledgerTitle')}</h1>
      <p class="muted">{liaison ? rt('liaisonIntro') : rt('ledgerIntro')}</p>
      <form class="filters row" aria-label={rt('filter')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {rt('status')}{' '}
          <select id="ledger-status" value={filters.get('status') ?? ''} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">{rt('all')}</option>
            {rectificationStatuses.map((s) => (
              <option value={s} key={s}>
                {rectificationStatusName(s)}
              </option>
            ))}
          </select>
        </label>
        {!liaison && groups.length > 1 ? (
          <label>
            {rt('group')}{' '}
            <select id="ledger-group" value={filters.get('groupId') ?? ''} onChange={(e) => setFilter('groupId', (e.target as HTMLSelectElement).value)}>
              <option value="">{rt('all')}</option>
              {groups.map((g) => (
                <option value={g.id} key={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {!liaison ? (
          <label>
            {rt('unit')}{' '}
            <select id="ledger-unit" value={filters.get('unitId') ?? ''} onChange={(e) => setFilter('unitId', (e.target as HTMLSelectElement).value)}>
              <option value="">{rt('all')}</option>
              {[...ctx.lookup.units.values()].map((u) => (
                <option value={u.id} key={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label class="opt">
          <input type="checkbox" id="ledger-overdue" checked={filters.get('overdue') === 'true'} onChange={(e) => setFilter('overdue', (e.target as HTMLInputElement).checked ? 'true' : '')} />
          {rt('overdueOnly')}
        </label>
        {canExport ? (
          <button type="button" id="ledger-export" onClick={() => void exportXlsx()}>
            {rt('exportXlsx')}
          </button>
        ) : null}
      </form>
      {exportState ? <p role="status">{exportState.text()}</p> : null}
      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      {!rows ? (
        <p role="status">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p id="ledger-empty">{rt('none')}</p>
      ) : (
        <table class="list" id="ledger">
          <thead>
            <tr>
              <th scope="col">{rt('code')}</th>
              <th scope="col">{rt('problem')}</th>
              <th scope="col">{rt('unit')}</th>
              <th scope="col">{rt('group')}</th>
              <th scope="col">{rt('status')}</th>
              <th scope="col">{rt('deadline')}</th>
              <th scope="col">{rt('updated')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.trackingCode} data-code={row.trackingCode} class={row.overdue ? 'overdue' : undefined}>
                <td>
                  <a href={`#/item/${encodeURIComponent(row.trackingCode)}`} lang="en">
                    {row.trackingCode}
                  </a>
                </td>
                <td>{row.title}</td>
                <td>{unitName(ctx, row.unitId)}</td>
                <td>{groupName(ctx, row.groupId)}</td>
                <td>
                  <span class={`badge rect-${row.status}`}>{rectificationStatusName(row.status)}</span>
                  {row.overdue ? <span class="badge overdue">{rt('overdue')}</span> : null}
                </td>
                <td>{row.deadline}</td>
                <td class="muted">{formatDateTime(row.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <button type="button" id="ledger-more" onClick={() => void load(next)}>
          {rt('more')}
        </button>
      ) : null}
    </>
  );
};
