/**
 * The directory editor (office only): a form of the whole document (campaign and phases, groups
 * with their addresses, units with their group, SLAs, holidays and make-up working days,
 * escalation, routing rules), with the raw JSON as an advanced tab. Checked in the browser with the
 * server's own schema and saved with PUT, whose 400 lists every problem too; either way each
 * problem is shown beside its field (by its path) and in a summary that links to the fields.
 */
import { useEffect, useState } from 'preact/hooks';
import { directorySchema, kindIds } from '../../../shared/schemas/directory';
import { problemText } from '../lib/messages';
import { kindName } from '../lib/terms';
import { Banner } from '../lib/ui';
import type { Ctx } from './context';
import { kindChoices, ListField, problemTarget, Rows, Section, SelectField, TextField, WebhookRows, type Doc, type FormApi, type Path } from './directory-form';
import { dt, sayDirectoryMessage } from './directory-strings';
import { t } from './strings';

/** A problem as the schema or the server states it, or one of the page's own (`own`, drawn in the page's language). */
type Problem = { path: string; message: string; own?: () => string };

const validate = (doc: unknown): Problem[] => {
  const parsed = directorySchema.safeParse(doc);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
};

const setAt = (doc: Doc, path: Path, value: unknown): Doc => {
  const next = structuredClone(doc);
  let node: any = next;
  for (const key of path.slice(0, -1)) {
    if (node[key] == null || typeof node[key] !== 'object') node[key] = typeof key === 'number' ? [] : {};
    node = node[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return next;
};

const fieldLabels: Record<string, () => string> = {
  id: () => dt('phaseId'),
  name: () => dt('phaseName'),
  startsOn: () => dt('startsOn'),
  timezone: () => dt('timezone'),
  notifyEmails: () => dt('notifyEmails'),
  liaisonEmails: () => dt('liaisonEmails'),
  webhooks: () => dt('webhooks'),
  system: () => dt('system'),
  groupId: () => dt('unitGroup'),
  kind: () => dt('whenKind'),
  unitId: () => dt('whenUnit'),
};

/** Where a problem is, in words: "单位 1（区委办公室）· 督导组". */
const describe = (doc: Doc, path: string): string => {
  const [head, index, ...rest] = path.split('.');
  const n = Number(index) + 1;
  const row = (what: string, name?: unknown) => `${what}${typeof name === 'string' && name ? `（${name}）` : ''}`;
  const field = (key: string | undefined) => (key ? ` · ${fieldLabels[key]?.() ?? key}` : '');
  switch (head) {
    case 'campaign':
      return index === 'phases' ? `${dt('campaign')} · ${dt('phase', { n: Number(rest[0]) + 1 })}${field(rest[1])}` : `${dt('campaign')}${field(index)}`;
    case 'groups':
      if (rest[0] === 'webhooks' && rest[1] !== undefined) return `${row(dt('group', { n }), doc.groups?.[n - 1]?.name)} · ${dt('webhook', { owner: '', n: Number(rest[1]) + 1 })}`;
      return Number.isInteger(n) ? `${row(dt('group', { n }), doc.groups?.[n - 1]?.name)}${field(rest[0])}` : dt('groups');
    case 'officeWebhooks':
      return Number.isInteger(n) ? dt('webhook', { owner: dt('office'), n }) : dt('officeWebhooks');
    case 'units':
      return Number.isInteger(n) ? `${row(dt('unit', { n }), doc.units?.[n - 1]?.name)}${field(rest[0])}` : dt('units');
    case 'rules':
      return Number.isInteger(n) ? `${dt('rule', { n })}${field(rest[rest.length - 1])}` : dt('rules');
    case 'sla':
      return `${dt('sla')}${index ? ` · ${kindName(index)}` : ''}`;
    case 'holidays':
      return dt('holidays');
    case 'workdays':
      return dt('workdays');
    default:
      return path || dt('dirTitle');
  }
};

/** Moves to a field of a problem (the console's routes live in the fragment: a plain #id link would leave the page). */
const focusField = (id: string) => (e: Event) => {
  e.preventDefault();
  const el = document.getElementById(id);
  el?.scrollIntoView({ block: 'center' });
  el?.focus();
};

export const DirectoryEditor = (props: { ctx: Ctx }) => {
  const { ctx } = props;
  const [doc, setDoc] = useState<Doc | null>(null);
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [json, setJson] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checked, setChecked] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'bad'; text: () => string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const r = await ctx.api('GET', '/api/admin/directory');
    if (r.ok) {
      setDoc(r.json);
      setJson(JSON.stringify(r.json, null, 2));
      setProblems([]);
      setChecked(false);
      setMessage(null);
    } else setMessage({ kind: 'bad', text: () => (r.status === 403 ? t('forbidden') : problemText(r)) });
  };
  useEffect(() => {
    void load();
  }, []);

  /** The document as it stands: the form's, or the JSON tab's parsed (null and a problem when it does not parse). */
  const current = (): Doc | null => {
    if (tab === 'form') return doc;
    try {
      return JSON.parse(json) as Doc;
    } catch (error) {
      const detail = error instanceof Error ? error.message : '';
      setProblems([{ path: '', message: detail, own: () => dt('dirBadJson', { message: detail }) }]);
      setMessage(null);
      return null;
    }
  };

  const runCheck = (): Doc | null => {
    const value = current();
    if (!value) return null;
    if (tab === 'json') setDoc(value);
    const found = validate(value);
    setProblems(found);
    setChecked(true);
    const d = value as { groups: unknown[]; units: unknown[]; rules: unknown[] };
    setMessage(found.length ? null : { kind: 'ok', text: () => dt('dirOk', { groups: d.groups.length, units: d.units.length, rules: d.rules.length }) });
    if (found.length) requestAnimationFrame(() => document.getElementById('directory-problems')?.focus());
    return found.length ? null : value;
  };

  const save = async () => {
    const value = runCheck();
    if (!value) return;
    setBusy(true);
    const r = await ctx.api('PUT', '/api/admin/directory', { body: value });
    setBusy(false);
    if (r.ok) setMessage({ kind: 'ok', text: () => dt('dirSaved') });
    else if (r.status === 400 && r.problem?.errors?.length) {
      setProblems(r.problem.errors.map((e) => ({ path: e.path, message: e.message })));
      setMessage(null);
    } else setMessage({ kind: 'bad', text: () => problemText(r) });
  };

  const switchTo = (next: 'form' | 'json') => {
    if (next === tab || !doc) return;
    if (next === 'json') setJson(JSON.stringify(doc, null, 2));
    else {
      const value = current();
      if (!value) return;
      setDoc(value);
      if (checked) setProblems(validate(value));
    }
    setTab(next);
  };

  const say = (p: Problem) => {
    const text = p.own ? p.own() : sayDirectoryMessage(p.message);
    const entry = /^(?:officeEmails|holidays|workdays|escalation\.leaderEmails|groups\.\d+\.notifyEmails|units\.\d+\.liaisonEmails)\.(\d+)$/.exec(p.path);
    return entry ? `${dt('itemN', { n: Number(entry[1]) + 1 })}：${text}` : text;
  };
  const byTarget = new Map<string, string[]>();
  for (const p of problems) {
    const target = problemTarget(p.path);
    byTarget.set(target, [...(byTarget.get(target) ?? []), say(p)]);
  }
  const f: FormApi | null = doc
    ? {
        doc,
        set: (path, value) => {
          const next = setAt(doc, path, value);
          setDoc(next);
          if (checked) setProblems(validate(next));
        },
        problems: (id) => byTarget.get(id) ?? [],
      }
    : null;

  return (
    <>
      <h1>{dt('dirTitle')}</h1>
      <p class="muted">{dt('dirIntro')}</p>
      {message ? <Banner kind={message.kind}>{message.text()}</Banner> : null}
      {problems.length ? (
        <div class="card problems-summary" role="alert" id="directory-problems" tabIndex={-1} aria-labelledby="directory-problems-title">
          <p class="error" id="directory-problems-title">
            {dt('dirProblems', { n: problems.length })}
          </p>
          <ul class="problems">
            {problems.map((p, i) => {
              const target = problemTarget(p.path);
              return (
                <li key={i}>
                  {tab === 'form' && doc ? (
                    <a href={`#${target}`} onClick={focusField(target)}>
                      {describe(doc, p.path)}
                    </a>
                  ) : null}
                  {p.path ? <code lang="en"> {p.path}</code> : null} {say(p)}
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
      <div role="tablist" aria-label={dt('tabs')} class="tabs">
        {(['form', 'json'] as const).map((id) => (
          <button
            type="button"
            role="tab"
            key={id}
            id={`dir-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`dir-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            disabled={!doc}
            onClick={() => switchTo(id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
                const other = id === 'form' ? 'json' : 'form';
                switchTo(other);
                document.getElementById(`dir-tab-${other}`)?.focus();
              }
            }}
          >
            {id === 'form' ? dt('tabForm') : dt('tabJson')}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`dir-panel-${tab}`} aria-labelledby={`dir-tab-${tab}`}>
        {!f ? (
          <p role="status">{t('loading')}</p>
        ) : tab === 'json' ? (
          <div class="card">
            <div class="field">
              <label for="directory-json">{dt('dirJson')}</label>
              <textarea
                id="directory-json"
                class="code"
                spellcheck={false}
                value={json}
                aria-invalid={problems.length ? true : undefined}
                aria-describedby={problems.length ? 'directory-problems' : undefined}
                onInput={(e) => setJson((e.target as HTMLTextAreaElement).value)}
              />
            </div>
          </div>
        ) : (
          <DirectoryFields f={f} />
        )}
        <div class="row">
          <button type="button" onClick={() => void runCheck()} disabled={!doc}>
            {dt('dirCheck')}
          </button>
          <button type="button" class="primary" onClick={() => void save()} disabled={!doc || busy}>
            {dt('dirSave')}
          </button>
          <button type="button" onClick={() => void load()}>
            {dt('dirReload')}
          </button>
        </div>
      </div>
    </>
  );
};

const DirectoryFields = ({ f }: { f: FormApi }) => {
  const groups = (Array.isArray(f.doc.groups) ? f.doc.groups : []).map((g: any) => ({ value: String(g?.id ?? ''), label: `${g?.name ?? ''} (${g?.id ?? ''})` }));
  const units = (Array.isArray(f.doc.units) ? f.doc.units : []).map((u: any) => ({ value: String(u?.id ?? ''), label: `${u?.name ?? ''} (${u?.id ?? ''})` }));
  const systems = [...new Set<string>((Array.isArray(f.doc.units) ? f.doc.units : []).map((u: any) => String(u?.system ?? '')).filter(Boolean))].map((s) => ({ value: s, label: s }));
  const optional = dt('optional');
  return (
    <form id="dir-form" noValidate tabIndex={-1} onSubmit={(e) => e.preventDefault()}>
      <Section f={f} id="campaign" legend={dt('campaign')}>
        <div class="grid2">
          <TextField f={f} path={['campaign', 'id']} label={dt('campaignId')} lang="en" />
          <TextField f={f} path={['campaign', 'name']} label={dt('campaignName')} />
          <TextField f={f} path={['campaign', 'timezone']} label={dt('timezone')} lang="en" />
          <ListField f={f} path={['officeEmails']} label={dt('officeEmails')} optional />
        </div>
        <WebhookRows f={f} path={['officeWebhooks']} owner={dt('office')} heading={dt('officeWebhooks')} />
        <h3>{dt('phases')}</h3>
        <Rows
          f={f}
          path={['campaign', 'phases']}
          what={(n) => dt('phase', { n })}
          add={dt('addPhase')}
          blank={() => ({ id: '', name: '', startsOn: '' })}
          row={(i) => (
            <>
              <TextField f={f} path={['campaign', 'phases', i, 'id']} label={`${dt('phase', { n: i + 1 })} · ${dt('phaseId')}`} lang="en" />
              <TextField f={f} path={['campaign', 'phases', i, 'name']} label={`${dt('phase', { n: i + 1 })} · ${dt('phaseName')}`} />
              <TextField f={f} path={['campaign', 'phases', i, 'startsOn']} label={`${dt('phase', { n: i + 1 })} · ${dt('startsOn')}`} type="date" />
            </>
          )}
        />
      </Section>

      <Section f={f} id="groups" legend={dt('groups')}>
        <Rows
          f={f}
          path={['groups']}
          what={(n) => dt('group', { n })}
          add={dt('addGroup')}
          blank={() => ({ id: '', name: '', notifyEmails: [] })}
          row={(i) => (
            <>
              <TextField f={f} path={['groups', i, 'id']} label={`${dt('group', { n: i + 1 })} · ${dt('groupId')}`} lang="en" />
              <TextField f={f} path={['groups', i, 'name']} label={`${dt('group', { n: i + 1 })} · ${dt('groupName')}`} />
              <ListField f={f} path={['groups', i, 'notifyEmails']} label={`${dt('group', { n: i + 1 })} · ${dt('notifyEmails')}`} />
              <WebhookRows f={f} path={['groups', i, 'webhooks']} owner={dt('group', { n: i + 1 })} heading={`${dt('group', { n: i + 1 })} · ${dt('webhooks')}`} />
            </>
          )}
        />
      </Section>

      <Section f={f} id="units" legend={dt('units')}>
        <Rows
          f={f}
          path={['units']}
          what={(n) => dt('unit', { n })}
          add={dt('addUnit')}
          blank={() => ({ id: '', name: '', system: '', groupId: '' })}
          row={(i) => (
            <>
              <TextField f={f} path={['units', i, 'id']} label={`${dt('unit', { n: i + 1 })} · ${dt('unitId')}`} lang="en" />
              <TextField f={f} path={['units', i, 'name']} label={`${dt('unit', { n: i + 1 })} · ${dt('unitName')}`} />
              <TextField f={f} path={['units', i, 'system']} label={`${dt('unit', { n: i + 1 })} · ${dt('system')}`} />
              <SelectField f={f} path={['units', i, 'groupId']} label={`${dt('unit', { n: i + 1 })} · ${dt('unitGroup')}`} choices={groups} empty={dt('chooseGroup')} />
              <ListField f={f} path={['units', i, 'liaisonEmails']} label={`${dt('unit', { n: i + 1 })} · ${dt('liaisonEmails')}`} optional />
            </>
          )}
        />
      </Section>

      <Section f={f} id="sla" legend={dt('sla')}>
        <div class="grid2">
          {kindIds.map((k) => (
            <TextField key={k} f={f} path={['sla', k]} label={kindName(k)} type="number" />
          ))}
        </div>
      </Section>

      <Section f={f} id="calendar" legend={dt('calendar')}>
        <div class="grid2">
          <ListField f={f} path={['holidays']} label={dt('holidays')} />
          <ListField f={f} path={['workdays']} label={dt('workdays')} optional />
        </div>
      </Section>

      <Section f={f} id="escalation" legend={dt('escalation')}>
        <div class="grid2">
          <TextField f={f} path={['escalation', 'remindBeforeWorkingDays']} label={dt('remindBefore') + optional} type="number" />
          <TextField f={f} path={['escalation', 'urgeAfterWorkingDays']} label={dt('urgeAfter') + optional} type="number" />
          <ListField f={f} path={['escalation', 'leaderEmails']} label={dt('leaderEmails')} optional />
          <TextField f={f} path={['responseWorkingDays']} label={dt('responseDays') + optional} type="number" />
          <TextField f={f} path={['privacy', 'minCount']} label={dt('minCount') + optional} type="number" />
        </div>
      </Section>

      <Section f={f} id="rules" legend={dt('rules')}>
        <Rows
          f={f}
          path={['rules']}
          what={(n) => dt('rule', { n })}
          add={dt('addRule')}
          blank={() => ({ when: {}, groupId: '' })}
          row={(i) => (
            <>
              <SelectField f={f} path={['rules', i, 'when', 'kind']} label={`${dt('rule', { n: i + 1 })} · ${dt('whenKind')}`} choices={kindChoices()} empty={dt('anyValue')} optional />
              <SelectField f={f} path={['rules', i, 'when', 'unitId']} label={`${dt('rule', { n: i + 1 })} · ${dt('whenUnit')}`} choices={units} empty={dt('anyValue')} optional />
              <SelectField f={f} path={['rules', i, 'when', 'system']} label={`${dt('rule', { n: i + 1 })} · ${dt('whenSystem')}`} choices={systems} empty={dt('anyValue')} optional />
              <SelectField f={f} path={['rules', i, 'groupId']} label={`${dt('rule', { n: i + 1 })} · ${dt('ruleGroup')}`} choices={groups} empty={dt('chooseGroup')} />
            </>
          )}
        />
      </Section>
    </form>
  );
};
