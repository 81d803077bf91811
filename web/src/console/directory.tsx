/**
 * The directory editor (office only): the whole document as JSON, checked in the browser with the
 * server's own schema (every problem listed with its path) and saved with PUT, whose 400 lists
 * every problem too.
 */
import { useEffect, useState } from 'preact/hooks';
import { directorySchema } from '../../../shared/schemas/directory';
import { Banner } from '../lib/ui';
import type { Ctx } from './context';
import { t } from './strings';
import { problemText, translateMessage } from '../lib/messages';

type Problem = { path: string; message: string };

const check = (text: string): { problems: Problem[]; summary?: string; value?: unknown } => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { problems: [{ path: '', message: t('dirBadJson', { message: error instanceof Error ? error.message : '' }) }] };
  }
  const parsed = directorySchema.safeParse(doc);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  }
  const d = parsed.data;
  return { problems: [], value: doc, summary: t('dirOk', { groups: d.groups.length, units: d.units.length, rules: d.rules.length }) };
};

export const DirectoryEditor = (props: { ctx: Ctx }) => {
  const { ctx } = props;
  const [text, setText] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'bad'; text: () => string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const r = await ctx.api('GET', '/api/admin/directory');
    if (r.ok) {
      setText(JSON.stringify(r.json, null, 2));
      setProblems([]);
      setMessage(null);
      setLoaded(true);
    } else setMessage({ kind: 'bad', text: () => (r.status === 403 ? t('forbidden') : problemText(r)) });
  };
  useEffect(() => {
    void load();
  }, []);

  const runCheck = () => {
    const result = check(text);
    setProblems(result.problems);
    setMessage(result.summary ? { kind: 'ok', text: () => check(text).summary ?? '' } : null);
    return result;
  };

  const save = async () => {
    const result = runCheck();
    if (result.problems.length) return;
    setBusy(true);
    const r = await ctx.api('PUT', '/api/admin/directory', { body: result.value });
    setBusy(false);
    if (r.ok) setMessage({ kind: 'ok', text: () => t('dirSaved') });
    else if (r.status === 400 && r.problem?.errors?.length) {
      setProblems(r.problem.errors.map((e) => ({ path: e.path, message: e.message })));
      setMessage(null);
    } else setMessage({ kind: 'bad', text: () => problemText(r) });
  };

  return (
    <>
      <h1>{t('dirTitle')}</h1>
      <p class="muted">{t('dirIntro')}</p>
      {message ? <Banner kind={message.kind}>{message.text()}</Banner> : null}
      {problems.length ? (
        <div class="card" role="alert" id="directory-problems">
          <p class="error">{t('dirProblems', { n: problems.length })}</p>
          <ul class="problems">
            {problems.map((p, i) => (
              <li key={i}>
                {p.path ? <code>{p.path}</code> : null} {translateMessage(p.message)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="card">
        <div class="field">
          <label for="directory-json">{t('dirJson')}</label>
          <textarea
            id="directory-json"
            class="code"
            spellcheck={false}
            value={text}
            disabled={!loaded}
            aria-invalid={problems.length ? true : undefined}
            aria-describedby={problems.length ? 'directory-problems' : undefined}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        <div class="row">
          <button type="button" onClick={runCheck} disabled={!loaded}>
            {t('dirCheck')}
          </button>
          <button type="button" class="primary" onClick={() => void save()} disabled={!loaded || busy}>
            {t('dirSave')}
          </button>
          <button type="button" onClick={() => void load()}>
            {t('dirReload')}
          </button>
        </div>
      </div>
    </>
  );
};
