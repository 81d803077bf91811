/**
 * Meeting records: what was raised in the room, typed up fast (one row per point; Enter or Tab
 * at the end adds a row), saved in one POST /api/sessions/{code}/records (all or nothing, errors
 * shown on their rows from `errors[].path` like `entries.3.title`), then the receipts it returns
 * as slips to print, cut and hand out.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type * as z from 'zod/mini';
import type { recordsCreated } from '../../../shared/schemas/session';
import { translateMessage } from '../lib/messages';
import { kindName, statusName } from '../lib/terms';
import { receiptLink } from '../lib/tracking-code';
import { Banner, KindOptions } from '../lib/ui';
import type { Ctx } from './context';
import { HeaderRow } from './fields';
import { problemText, sessionPath, type TrainingSession } from './session-data';
import { QrImage } from './session-poster';
import { st } from './session-strings';
import { t } from './strings';

interface Row {
  id: number;
  kind: string;
  unitId: string;
  title: string;
  body: string;
  answer: string;
}

type RecordReceipt = z.infer<typeof recordsCreated>['items'][number];

const fields = ['kind', 'unitId', 'title', 'body', 'answer'] as const;
type Field = (typeof fields)[number];

let nextId = 1;
const newRow = (kind = 'suggestion'): Row => ({ id: nextId++, kind, unitId: '', title: '', body: '', answer: '' });
const isBlank = (r: Row) => !r.title.trim() && !r.body.trim() && !r.answer.trim();

/** `entries.3.title` -> { index: 3, field: 'title' }; `entries.3` -> the whole entry. */
const parsePath = (path: string): { index: number; field: string } | null => {
  const m = /^entries\.(\d+)(?:\.(\w+))?/.exec(path);
  return m ? { index: Number(m[1]), field: m[2] ?? '' } : null;
};

const cellId = (n: number, field: Field) => `rec-${n}-${field}`;

/** The tracking page of a receipt, key in the fragment, as the form's receipt links it. */
const trackUrl = (receipt: RecordReceipt) => new URL(receiptLink(receipt.trackingCode, receipt.accessKey), location.origin).href;

export const RecordsView = (props: { ctx: Ctx; session: TrainingSession }) => {
  const { ctx, session } = props;
  const [rows, setRows] = useState<Row[]>(() => [newRow()]);
  /** Errors by row id, then by field ('' for the entry as a whole). */
  const [errors, setErrors] = useState<Record<number, Record<string, string>>>({});
  const [banner, setBanner] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ row: Row; receipt: RecordReceipt }[] | null>(null);
  const focusNext = useRef<string | null>(null);
  const units = [...ctx.lookup.units.values()];
  const filled = rows.filter((r) => !isBlank(r));

  useEffect(() => {
    // Kept until the row is there: an earlier render's effect may run between the key and the new row.
    const target = focusNext.current ? document.getElementById(focusNext.current) : null;
    if (!target) return;
    target.focus();
    focusNext.current = null;
  });

  useEffect(() => {
    if (!saved) return;
    document.body.classList.add('print-sheet');
    return () => document.body.classList.remove('print-sheet');
  }, [saved]);

  const set = (id: number, field: Field, value: string) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, [field]: value } : r)));
  /** A new row after the last, the kind carried over (a run of questions stays questions), focused. */
  const addRow = () => {
    setRows((rs) => [...rs, newRow(rs[rs.length - 1]?.kind)]);
    focusNext.current = cellId(rows.length + 1, 'kind');
  };
  const removeRow = (id: number) => setRows((rs) => (rs.length > 1 ? rs.filter((r) => r.id !== id) : [newRow()]));

  const save = async () => {
    if (busy) return;
    if (!filled.length) {
      setBanner(st('nothingToSave'));
      return;
    }
    setBusy(true);
    setBanner('');
    const entries = filled.map((r) => {
      const e: Record<string, string> = { kind: r.kind, title: r.title.trim(), body: r.body.trim() };
      if (r.unitId) e.unitId = r.unitId;
      if (r.answer.trim()) e.answer = r.answer.trim();
      return e;
    });
    const r = await ctx.api<{ items: RecordReceipt[] }>('POST', `${sessionPath(session.code)}/records`, { body: { entries } });
    setBusy(false);
    if (r.status === 201) {
      setErrors({});
      setSaved(filled.map((row, i) => ({ row, receipt: r.json.items[i]! })));
      setRows([newRow()]);
      requestAnimationFrame(() => document.getElementById('slips-heading')?.focus());
      return;
    }
    const byRow: Record<number, Record<string, string>> = {};
    for (const e of r.problem?.errors ?? []) {
      const at = parsePath(e.path);
      const row = at ? filled[at.index] : undefined;
      if (!at || !row) continue;
      (byRow[row.id] ??= {})[at.field] ??= translateMessage(e.message);
    }
    setErrors(byRow);
    const rowNumbers = rows.map((row, i) => (byRow[row.id] ? i + 1 : 0)).filter(Boolean);
    setBanner(rowNumbers.length ? st('rowErrors', { rows: rowNumbers.join(', ') }) : problemText(r));
    if (rowNumbers.length) {
      const first = rows[rowNumbers[0]! - 1]!;
      const field = fields.find((f) => byRow[first.id]?.[f]) ?? 'title';
      requestAnimationFrame(() => document.getElementById(cellId(rowNumbers[0]!, field))?.focus());
    }
  };

  const onKeyDown = (e: KeyboardEvent, n: number, field: Field) => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    } else if (e.key === 'Enter' && target.tagName !== 'TEXTAREA' && !e.isComposing) {
      // Enter in a one-line cell goes to the next row, adding one at the end.
      e.preventDefault();
      if (n === rows.length) addRow();
      else document.getElementById(cellId(n + 1, 'kind'))?.focus();
    } else if (e.key === 'Tab' && !e.shiftKey && field === 'answer' && n === rows.length) {
      e.preventDefault();
      addRow();
    }
  };

  if (saved) {
    return (
      <section aria-labelledby="slips-heading">
        <Banner kind="ok">{st('recordsSaved', { n: saved.length })}</Banner>
        <h2 id="slips-heading" class="no-print" tabIndex={-1}>
          {st('slipsTitle')}
        </h2>
        <p class="no-print muted">{st('slipsIntro')}</p>
        <p class="no-print row">
          <button type="button" class="primary" id="print-slips" onClick={() => print()}>
            {st('printSlips')}
          </button>
          <button type="button" onClick={() => setSaved(null)}>
            {st('moreRecords')}
          </button>
        </p>
        <ul class="slips" id="slips">
          {saved.map(({ row, receipt }) => (
            <li class="slip" key={receipt.trackingCode} data-code={receipt.trackingCode}>
              <p class="slip-session">
                {st('slipSession')}: {session.title}
              </p>
              <p class="slip-title">
                {kindName(row.kind)} · {row.title}
              </p>
              <p>
                {st('slipCode')}: <strong class="slip-code" lang="en">{receipt.trackingCode}</strong>
              </p>
              <p>
                {st('slipKey')}: <span class="slip-key" lang="en">{receipt.accessKey}</span>
              </p>
              <p class="small">
                {st('slipTrack')}: <span lang="en">{trackUrl(receipt)}</span>
              </p>
              <QrImage text={trackUrl(receipt)} id={`slip-qr-${receipt.trackingCode}`} class="slip-qr" alt={st('slipQrAlt', { code: receipt.trackingCode })} />
              <p class="small">{receipt.answeredOnSpot ? st('slipOnSpot') : `${st('slipRouted')} (${statusName(receipt.status)})`}</p>
            </li>
          ))}
        </ul>
      </section>
    );
  }

  return (
    <section aria-labelledby="records-heading">
      <h2 id="records-heading">{st('recordsTitle')}</h2>
      <p class="muted">{st('recordsIntro')}</p>
      {banner ? <Banner kind="bad">{banner}</Banner> : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div class="card table-wrap">
          <table id="records" class="records">
            <caption class="sr-only">{st('recordsTitle')}</caption>
            <HeaderRow labels={[st('colRow'), st('colKind'), st('colUnit'), t('colTitle'), st('colText'), st('colAnswer')]} />
            <tbody>
              {rows.map((row, i) => {
                const n = i + 1;
                const rowErrors = errors[row.id] ?? {};
                const label = (col: string) => `${col} ${st('rowLabel', { n })}`;
                const errId = (field: string) => (rowErrors[field] ? `${cellId(n, field as Field)}-error` : undefined);
                const cell = (field: Field, control: preact.JSX.Element) => (
                  <td>
                    {control}
                    {rowErrors[field] ? (
                      <p class="error" id={`${cellId(n, field)}-error`}>
                        {rowErrors[field]}
                      </p>
                    ) : null}
                  </td>
                );
                const common = (field: Field) => ({
                  id: cellId(n, field),
                  'aria-invalid': rowErrors[field] ? true : undefined,
                  'aria-describedby': errId(field),
                  onKeyDown: (e: KeyboardEvent) => onKeyDown(e, n, field),
                });
                return (
                  <tr key={row.id} data-row={n} class={Object.keys(rowErrors).length ? 'has-error' : undefined}>
                    <td>
                      <span aria-hidden="true">{n}</span>{' '}
                      <button type="button" class="link" onClick={() => removeRow(row.id)}>
                        <span aria-hidden="true">✕</span>
                        <span class="sr-only">{st('removeRow', { n })}</span>
                      </button>
                      {rowErrors[''] ? <p class="error">{rowErrors['']}</p> : null}
                    </td>
                    {cell(
                      'kind',
                      <select {...common('kind')} aria-label={label(st('colKind'))} value={row.kind} onChange={(e) => set(row.id, 'kind', (e.target as HTMLSelectElement).value)}>
                        <KindOptions />
                      </select>,
                    )}
                    {cell(
                      'unitId',
                      <select {...common('unitId')} aria-label={label(st('colUnit'))} value={row.unitId} onChange={(e) => set(row.id, 'unitId', (e.target as HTMLSelectElement).value)}>
                        <option value="">—</option>
                        {units.map((u) => (
                          <option value={u.id} key={u.id}>
                            {u.name}
                          </option>
                        ))}
                      </select>,
                    )}
                    {cell('title', <input type="text" {...common('title')} aria-label={label(t('colTitle'))} maxLength={120} value={row.title} onInput={(e) => set(row.id, 'title', (e.target as HTMLInputElement).value)} />)}
                    {cell('body', <textarea {...common('body')} aria-label={label(st('colText'))} rows={2} value={row.body} onInput={(e) => set(row.id, 'body', (e.target as HTMLTextAreaElement).value)} />)}
                    {cell('answer', <textarea {...common('answer')} aria-label={label(st('colAnswer'))} rows={2} value={row.answer} onInput={(e) => set(row.id, 'answer', (e.target as HTMLTextAreaElement).value)} />)}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class="row">
            <button type="button" id="add-row" onClick={addRow}>
              {st('addRow')}
            </button>
            <button type="submit" class="primary" id="save-records" disabled={busy} aria-busy={busy}>
              {busy ? st('saving') : st('saveRecords', { n: filled.length })}
            </button>
          </p>
        </div>
      </form>
    </section>
  );
};
