/**
 * A deadline extension on the item page (API.md v2, "Deadline extensions"): the item's group (or
 * the office) asks for more working days with a reason; the office approves or declines the
 * request that waits. Changes go through the item page's `mutate` (If-Match, 412 reloads).
 */
import { useState } from 'preact/hooks';
import { extensionBody, extensionDecisionBody, type ItemView } from '../../../shared/schemas/staff';
import { validated, type FieldErrors } from '../lib/api';
import { dictionary, formatDate, formatDateTime } from '../lib/i18n';
import { translateMessage } from '../lib/messages';
import { CharCount, describedBy, FieldError } from '../lib/ui';

export const xt = dictionary(
  {
    heading: '延期',
    request: '申请延期',
    workingDays: '延长的工作日数（1–30）',
    reason: '延期理由（批准后提交人可以看到）',
    send: '提交申请',
    chars: '字数',
    requested: '已提交延期申请，等待领导小组办公室审批。',
    waiting: '{name} 于 {at} 申请延期 {days} 个工作日：{reason}',
    approve: '批准延期',
    decline: '不予延期',
    note: '审批意见（可选，仅工作人员可见）',
    approved: '已批准延期，办理期限已顺延。',
    declined: '已不予延期。',
    wasApproved: '已批准延期 {days} 个工作日：{from} → {to}。理由：{reason}',
    wasDeclined: '延期 {days} 个工作日的申请未获批准。',
    'action:extension-request': '申请延期',
    'action:extension-approve': '批准延期',
    'action:extension-decline': '不予延期',
  },
  {
    heading: 'Extension',
    request: 'Ask for an extension',
    workingDays: 'Working days to add (1–30)',
    reason: 'Reason (the submitter sees it once approved)',
    send: 'Send the request',
    chars: 'Characters',
    requested: 'Extension requested; the campaign office decides.',
    waiting: '{name} asked on {at} for {days} more working days: {reason}',
    approve: 'Approve the extension',
    decline: 'Decline',
    note: 'Note (optional, staff only)',
    approved: 'Extension approved: the due date has moved.',
    declined: 'Extension declined.',
    wasApproved: 'Extended by {days} working days: {from} → {to}. Reason: {reason}',
    wasDeclined: 'The request for {days} more working days was declined.',
    'action:extension-request': 'extension requested',
    'action:extension-approve': 'extension approved',
    'action:extension-decline': 'extension declined',
  },
);

/** The history's name for an extension action, or undefined for another action. */
export const extensionActionName = (action: string): string | undefined =>
  action === 'extension-request' || action === 'extension-approve' || action === 'extension-decline' ? xt(`action:${action}`) : undefined;

type Mutate = (path: string, body: unknown, done: () => string) => Promise<{ ok: boolean; errors?: FieldErrors }>;

const localised = (message: string | undefined): string | undefined => (message === undefined ? undefined : translateMessage(message));

export const ExtensionPanel = (props: { item: ItemView; office: boolean; canAct: boolean; busy: boolean; mutate: Mutate }) => {
  const { item } = props;
  const ext = item.extension;
  const open = ['submitted', 'assigned', 'in_progress', 'reopened'].includes(item.status);
  const waiting = ext?.status === 'requested';
  if (!ext && !(props.canAct && open && item.dueAt)) return null;
  return (
    <section class="card" aria-labelledby="extension-heading" id="extension">
      <h2 id="extension-heading">{xt('heading')}</h2>
      {ext ? (
        <p id="extension-state">
          {ext.status === 'requested'
            ? xt('waiting', { name: ext.requestedBy.name, at: formatDateTime(ext.requestedAt), days: ext.workingDays, reason: ext.reason })
            : ext.status === 'approved'
              ? xt('wasApproved', { days: ext.workingDays, from: formatDate(ext.previousDueAt), to: formatDate(ext.dueAt), reason: ext.reason })
              : xt('wasDeclined', { days: ext.workingDays })}
        </p>
      ) : null}
      {waiting && props.office && open ? <DecisionForm busy={props.busy} mutate={props.mutate} /> : null}
      {!waiting && props.canAct && open && item.dueAt ? <RequestForm busy={props.busy} mutate={props.mutate} /> : null}
    </section>
  );
};

const RequestForm = (props: { busy: boolean; mutate: Mutate }) => {
  const [days, setDays] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <details>
      <summary>{xt('request')}</summary>
      <form
        noValidate
        id="extension-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const valid = validated(extensionBody, { workingDays: days.trim() === '' ? undefined : Number(days), reason }, setErrors);
          if (!valid) return;
          const result = await props.mutate('/extension', valid, () => xt('requested'));
          setErrors(result.errors ?? {});
          if (result.ok) setReason('');
        }}
      >
        <div class="field">
          <label for="extension-days">{xt('workingDays')}</label>
          <input
            type="number"
            id="extension-days"
            min={1}
            max={30}
            step={1}
            value={days}
            aria-invalid={errors.workingDays ? true : undefined}
            aria-describedby={errors.workingDays ? 'extension-days-error' : undefined}
            onInput={(e) => setDays((e.target as HTMLInputElement).value)}
          />
          <FieldError id="extension-days-error" message={localised(errors.workingDays)} />
        </div>
        <div class="field">
          <label for="extension-reason">{xt('reason')}</label>
          <textarea
            id="extension-reason"
            rows={3}
            value={reason}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={describedBy('extension-reason-count', errors.reason && 'extension-reason-error')}
            onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
          />
          <CharCount id="extension-reason-count" value={reason} max={500} label={xt('chars')} />
          <FieldError id="extension-reason-error" message={localised(errors.reason)} />
        </div>
        <button type="submit" class="primary" disabled={props.busy}>
          {xt('send')}
        </button>
      </form>
    </details>
  );
};

const DecisionForm = (props: { busy: boolean; mutate: Mutate }) => {
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const decide = async (approve: boolean) => {
    const valid = validated(extensionDecisionBody, { approve, ...(note ? { note } : {}) }, setErrors);
    if (!valid) return;
    const result = await props.mutate('/extension/decision', valid, () => (approve ? xt('approved') : xt('declined')));
    setErrors(result.errors ?? {});
    if (result.ok) setNote('');
  };
  return (
    <form noValidate id="extension-decision" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="extension-note">{xt('note')}</label>
        <input
          type="text"
          id="extension-note"
          value={note}
          aria-invalid={errors.note ? true : undefined}
          aria-describedby={errors.note ? 'extension-note-error' : undefined}
          onInput={(e) => setNote((e.target as HTMLInputElement).value)}
        />
        <FieldError id="extension-note-error" message={localised(errors.note)} />
      </div>
      <div class="row">
        <button type="button" class="primary" id="extension-approve" disabled={props.busy} onClick={() => void decide(true)}>
          {xt('approve')}
        </button>
        <button type="button" class="danger" id="extension-decline" disabled={props.busy} onClick={() => void decide(false)}>
          {xt('decline')}
        </button>
      </div>
    </form>
  );
};
