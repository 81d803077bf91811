/**
 * The published answers (`/answers`, 答复公开): what the campaign office answered, rewritten so
 * that nobody can be recognised, for everyone to read: newest first, by kind, and a search box
 * (ranked by likeness, as the form's suggestions). The search and the kind ride in the URL
 * (`?q=&kind=`), so a result can be shared and the back button returns to it.
 */
import './styles.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicAnswerView } from '../../shared/schemas/answers';
import { apiRequest } from './lib/api';
import { dictionary, useLang } from './lib/i18n';
import { problemText } from './lib/messages';
import { AnswerText } from './lib/similar-answers';
import { Banner, KindOptions, TopBar } from './lib/ui';

const t = dictionary(
  {
    brand: '意见箱',
    heading: '已公开的答复',
    intro: '领导小组办公室把有代表性的答复改写后公开，方便大家查阅。提问前可以先搜一搜。',
    search: '搜索',
    searchHint: '输入关键词，例如“加装电梯”',
    kind: '类别',
    allKinds: '全部类别',
    go: '搜索',
    clear: '清除',
    loading: '正在加载…',
    none: '没有找到相关的答复。',
    empty: '还没有公开的答复。',
    count: '共显示 {n} 条答复。',
    more: '加载更多',
    ask: '没有找到？提交您的问题',
    title: '意见箱 · 已公开的答复',
  },
  {
    brand: 'Yijian',
    heading: 'Published answers',
    intro: 'The campaign office publishes representative answers, rewritten, for everyone to read. Search here before asking.',
    search: 'Search',
    searchHint: 'Type a few words, e.g. "elevator"',
    kind: 'Kind',
    allKinds: 'All kinds',
    go: 'Search',
    clear: 'Clear',
    loading: 'Loading…',
    none: 'No answer matches.',
    empty: 'No answers have been published yet.',
    count: '{n} answers shown.',
    more: 'Load more',
    ask: 'Not found? Submit your question',
    title: 'Yijian · Published answers',
  },
);

interface Filters {
  q: string;
  kind: string;
}

const fromUrl = (): Filters => {
  const params = new URLSearchParams(location.search);
  return { q: params.get('q') ?? '', kind: params.get('kind') ?? '' };
};

const query = (filters: Filters, cursor?: string) => {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim().slice(0, 100));
  if (filters.kind) params.set('kind', filters.kind);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
};

const App = () => {
  const lang = useLang();
  const [filters, setFilters] = useState<Filters>(fromUrl);
  const [typed, setTyped] = useState<Filters>(filters);
  const [answers, setAnswers] = useState<PublicAnswerView[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<(() => string) | null>(null);
  const [busy, setBusy] = useState(false);

  // Each load is numbered: on a slow network an earlier search's answer may come after a later
  // one's, and must not replace the list the later filters asked for.
  const latest = useRef(0);
  const load = async (cursor?: string) => {
    const asked = ++latest.current;
    setBusy(true);
    const r = await apiRequest<{ answers: PublicAnswerView[]; nextCursor?: string }>('GET', `/api/public/answers?${query(filters, cursor)}`);
    if (asked !== latest.current) return;
    setBusy(false);
    if (!r.ok) {
      setError(() => () => problemText(r));
      return;
    }
    setError(null);
    setAnswers((before) => [...(cursor ? (before ?? []) : []), ...r.json.answers]);
    setNext(r.json.nextCursor);
  };

  useEffect(() => {
    void load();
  }, [filters.q, filters.kind]);
  useEffect(() => {
    document.title = t('title');
  }, [lang]);
  useEffect(() => {
    const back = () => {
      const f = fromUrl();
      setFilters(f);
      setTyped(f);
    };
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);

  const apply = (f: Filters) => {
    const search = query(f);
    history.pushState(null, '', search ? `?${search}` : location.pathname);
    setFilters(f);
  };

  return (
    <>
      <TopBar title={t('brand')} />
      <main>
        <h1>{t('heading')}</h1>
        <p class="muted">{t('intro')}</p>
        <form
          role="search"
          class="card filters"
          id="answers-search"
          onSubmit={(e) => {
            e.preventDefault();
            apply(typed);
          }}
        >
          <div class="field">
            <label for="answers-q">{t('search')}</label>
            <input type="search" id="answers-q" value={typed.q} maxLength={100} placeholder={t('searchHint')} onInput={(e) => setTyped({ ...typed, q: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <label for="answers-kind">{t('kind')}</label>
            <select
              id="answers-kind"
              value={typed.kind}
              onChange={(e) => {
                const f = { ...typed, kind: (e.target as HTMLSelectElement).value };
                setTyped(f);
                apply(f);
              }}
            >
              <option value="">{t('allKinds')}</option>
              <KindOptions />
            </select>
          </div>
          <div class="row">
            <button type="submit" class="primary">
              {t('go')}
            </button>
            {filters.q || filters.kind ? (
              <button
                type="button"
                onClick={() => {
                  setTyped({ q: '', kind: '' });
                  apply({ q: '', kind: '' });
                }}
              >
                {t('clear')}
              </button>
            ) : null}
          </div>
        </form>
        {error ? <Banner kind="bad">{error()}</Banner> : null}
        <p role="status" class="muted small" id="answers-count">
          {answers === null ? t('loading') : answers.length ? t('count', { n: answers.length }) : filters.q || filters.kind ? t('none') : t('empty')}
        </p>
        <ol class="answers" id="answers-list">
          {(answers ?? []).map((a) => (
            <li key={a.id} class="card">
              <article aria-labelledby={`answer-${a.id}`}>
                <h2 id={`answer-${a.id}`}>{a.title}</h2>
                <AnswerText answer={a} />
              </article>
            </li>
          ))}
        </ol>
        {next ? (
          <button type="button" id="answers-more" disabled={busy} onClick={() => void load(next)}>
            {t('more')}
          </button>
        ) : null}
        <p class="small">
          <a href="/">{t('ask')}</a>
        </p>
      </main>
    </>
  );
};

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
