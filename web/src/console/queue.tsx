/**
 * The queue: GET /api/items with the API's filters (kept in the URL) and cursor paging; overdue
 * items marked. It opens on what needs action: the office's 待分办 (submitted), a group's 待处理
 * (its open items); "all" is a choice, kept in the URL as an empty status.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ItemSummary } from '../../../shared/schemas/staff';
import { formatDate, formatDateTime } from '../lib/i18n';
import { kindName, openStatuses, statusIds, statusName } from '../lib/terms';
import { Banner, KindOptions } from '../lib/ui';
import { dueShown, go, groupName, unitName, type Ctx } from './context';
import { t } from './strings';
import { lt } from './ladder-strings';
import { problemText, said, type Said } from '../lib/messages';

const filterNames = ['status', 'groupId', 'unitId', 'kind', 'phase', 'sessionCode', 'overdue', 'urged', 'extension', 'q'] as const;
type Filters = Record<(typeof filterNames)[number], string>;

const openValue = openStatuses.join(',');

const filtersFrom = (query: URLSearchParams): Filters => {
  const f = {} as Filters;
  for (const name of filterNames) f[name] = query.get(name) ?? '';
  return f;
};

/** No filter at all is written `status=`: the URL says "all" rather than "the default view". */
const toQuery = (f: Filters): string => {
  const q = new URLSearchParams();
  for (const name of filterNames) if (f[name]) q.set(name, f[name]);
  return q.toString() || 'status=';
};

/** What needs the person's action: the office triages, a group handles its open items, a leader reads everything. */
const actionView = (ctx: Ctx): string => (ctx.roles.office ? 'status=submitted' : ctx.roles.leader ? 'status=' : `status=${openValue}`);

export const Queue = (props: { ctx: Ctx; query: URLSearchParams }) => {
  const { ctx } = props;
  const applied = filtersFrom([...props.query.keys()].length ? props.query : new URLSearchParams(actionView(ctx)));
  const appliedKey = toQuery(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const [items, setItems] = useState<ItemSummary[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Said | null>(null);

  // Only the latest request's answer is shown: an earlier view's, arriving late, would replace it.
  const latest = useRef(0);
  const fetchPage = async (after?: string) => {
    const request = ++latest.current;
    setLoading(true);
    setError(null);
    // Only the filters that are set: "all" (an empty status in the URL) sends none.
    const q = new URLSearchParams([...new URLSearchParams(appliedKey)].filter(([, value]) => value !== ''));
    q.set('limit', '25');
    if (after) q.set('cursor', after);
    const r = await ctx.api<{ items: ItemSummary[]; nextCursor?: string }>('GET', `/api/items?${q}`);
    if (request !== latest.current) return;
    setLoading(false);
    if (!r.ok) {
      // What was listed before belongs to a question the person may no longer ask (403): not kept under the message.
      if (r.status === 403) {
        setItems([]);
        setCursor(undefined);
      }
      setError(said(() => (r.status === 0 ? t('network') : r.status === 403 ? t('forbidden') : problemText(r))));
      return;
    }
    setItems((prev) => (after ? [...prev, ...r.json.items] : r.json.items));
    setCursor(r.json.nextCursor);
  };

  useEffect(() => {
    setDraft(filtersFrom(new URLSearchParams(appliedKey)));
    void fetchPage();
  }, [appliedKey]);

  const set = (name: keyof Filters, value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const groupChoices = ctx.roles.office || ctx.roles.leader ? ctx.lookup.groups : ctx.lookup.groups.filter((g) => ctx.roles.groups.includes(g.id));
  const units = [...ctx.lookup.units.values()];
  const views = [
    ...(ctx.roles.office ? [{ id: 'triage', label: t('viewTriage'), query: 'status=submitted' }] : []),
    ...(ctx.roles.leader && !ctx.roles.office ? [] : [{ id: 'todo', label: t('viewTodo'), query: `status=${encodeURIComponent(openValue)}` }]),
    { id: 'overdue', label: t('overdue'), query: 'overdue=true' },
    // The office decides extension requests: its queue of them (API.md v2, "Deadline extensions").
    ...(ctx.roles.office ? [{ id: 'extension', label: lt('viewExtension'), query: 'extension=requested' }] : []),
    { id: 'all', label: t('viewAll'), query: 'status=' },
  ];

  return (
    <>
      <h1>{t('queueTitle')}</h1>
      <nav class="views" aria-label={t('views')}>
        {views.map((v) => (
          <a href={`#/items?${v.query}`} key={v.id} id={`view-${v.id}`} aria-current={toQuery(filtersFrom(new URLSearchParams(v.query))) === appliedKey ? 'page' : undefined}>
            {v.label}
          </a>
        ))}
      </nav>
      <form
        class="card"
        role="search"
        aria-label={t('filters')}
        onSubmit={(e) => {
          e.preventDefault();
          go(`#/items?${toQuery(draft)}`);
        }}
      >
        <div class="filters">
          <div class="field">
            <label for="f-status">{t('fStatus')}</label>
            <select id="f-status" value={draft.status} onChange={(e) => set('status', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('fAll')}</option>
              <option value={openValue}>{t('fOpen')}</option>
              {statusIds.map((s) => (
                <option value={s} key={s}>
                  {statusName(s)}
                </option>
              ))}
            </select>
          </div>
          {groupChoices.length > 1 ? (
            <div class="field">
              <label for="f-group">{t('fGroup')}</label>
              <select id="f-group" value={draft.groupId} onChange={(e) => set('groupId', (e.target as HTMLSelectElement).value)}>
                <option value="">{t('fAll')}</option>
                {groupChoices.map((g) => (
                  <option value={g.id} key={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div class="field">
            <label for="f-unit">{t('fUnit')}</label>
            <select id="f-unit" value={draft.unitId} onChange={(e) => set('unitId', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('fAll')}</option>
              {units.map((u) => (
                <option value={u.id} key={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-kind">{t('fKind')}</label>
            <select id="f-kind" value={draft.kind} onChange={(e) => set('kind', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('fAll')}</option>
              <KindOptions />
            </select>
          </div>
          <div class="field">
            <label for="f-phase">{t('fPhase')}</label>
            <select id="f-phase" value={draft.phase} onChange={(e) => set('phase', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('fAll')}</option>
              {ctx.lookup.phases.map((p) => (
                <option value={p.id} key={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-session">{t('fSession')}</label>
            <input type="search" id="f-session" value={draft.sessionCode} maxLength={64} lang="en" onInput={(e) => set('sessionCode', (e.target as HTMLInputElement).value.trim())} />
          </div>
          <div class="field">
            <label for="f-q">{t('fQ')}</label>
            <input type="search" id="f-q" value={draft.q} maxLength={100} onInput={(e) => set('q', (e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            {(
              [
                ['overdue', 'true', t('fOverdue')],
                ['urged', 'true', lt('fUrged')],
                ['extension', 'requested', lt('fExtension')],
              ] as const
            ).map(([name, on, label]) => (
              // A filter that is on or off: the URL holds its one value, or nothing.
              <label class="opt" for={`f-${name}`} key={name}>
                <input type="checkbox" id={`f-${name}`} checked={draft[name] === on} onChange={(e) => set(name, (e.target as HTMLInputElement).checked ? on : '')} />
                {label}
              </label>
            ))}
          </div>
          <div class="row">
            <button type="submit" class="primary">
              {t('apply')}
            </button>
            <button type="button" onClick={() => go('#/items?status=')}>
              {t('reset')}
            </button>
          </div>
        </div>
      </form>

      {error ? <Banner kind="bad">{error.text()}</Banner> : null}
      <div class="card table-wrap">
        <table id="queue">
          <caption class="sr-only">{t('queueTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colCode')}</th>
              <th scope="col">{t('colTitle')}</th>
              <th scope="col">{t('colKind')}</th>
              <th scope="col">{t('colUnit')}</th>
              <th scope="col">{t('colGroup')}</th>
              <th scope="col">{t('colStatus')}</th>
              <th scope="col">{t('colDue')}</th>
              <th scope="col">{t('colCreated')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} class={item.overdue ? 'overdue' : undefined} data-id={item.id}>
                <td data-label={t('colCode')} lang="en">{item.trackingCode}</td>
                <td data-label={t('colTitle')}>
                  <a href={`#/item/${encodeURIComponent(item.id)}`}>{item.title}</a>
                  {item.recommended ? <span class="badge rec"> {t('recommended')}</span> : null}
                </td>
                <td data-label={t('colKind')}>{kindName(item.kind)}</td>
                <td data-label={t('colUnit')}>{unitName(ctx, item.unitId)}</td>
                <td data-label={t('colGroup')}>{item.groupId ? groupName(ctx, item.groupId) : t('officeQueue')}</td>
                <td data-label={t('colStatus')}>
                  <span class={`badge status-${item.status}`}>{statusName(item.status)}</span>
                </td>
                <td data-label={t('colDue')}>
                  {dueShown(item.status) ? formatDate(item.dueAt) : ''} {item.overdue ? <span class="badge overdue">{t('overdue')}</span> : null}
                  {item.urgedAt ? (
                    <span class="badge overdue urged" title={lt('urgedTitle', { at: formatDateTime(item.urgedAt) })}>
                      {lt('urged')}
                    </span>
                  ) : null}
                </td>
                <td data-label={t('colCreated')}>{formatDateTime(item.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && !items.length && !error ? <p class="muted">{t('empty')}</p> : null}
        <div class="row">
          <span class="muted small" role="status">
            {loading ? t('loading') : t('shown', { n: items.length })}
          </span>
          {cursor ? (
            <button type="button" disabled={loading} onClick={() => void fetchPage(cursor)}>
              {t('more')}
            </button>
          ) : null}
        </div>
      </div>
    </>
  );
};
