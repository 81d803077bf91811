/**
 * "这些问题已有答复": while a person types the title, up to 5 published answers like it, each
 * opened in place (a disclosure), so the draft is never left. Asked 400 ms after the last
 * keystroke, only the latest answer drawn; a failure shows nothing: it never stands in the way of
 * submitting. A live region says how many were found, once per search, not every keystroke.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicAnswerView } from '../../../shared/schemas/answers';
import { codePointLength } from '../../../shared/schemas/text';
import { apiRequest } from './api';
import { dictionary, formatDate } from './i18n';
import { kindName } from './terms';

const t = dictionary(
  {
    heading: '这些问题已有答复',
    found: '找到 {n} 条相似问题的答复，见标题下方。',
    question: '问：',
    answer: '答：',
    published: '{date} 公开',
    all: '查看全部已公开的答复',
  },
  {
    heading: 'These questions already have answers',
    found: '{n} answers to similar questions, below the title.',
    question: 'Q: ',
    answer: 'A: ',
    published: 'Published {date}',
    all: 'See all published answers',
  },
);

/**
 * Below this the answers are too far from the title to help: on the labelled set
 * (bench/answer-ranking-set.ts) the best answer to a question none is about scores at most 0.03,
 * the right answer above it in 34 of 40 paraphrases (median 0.15), the runner-up in 4.
 */
export const shownFromScore = 0.05;
const debounceMs = 400;

type Similar = PublicAnswerView & { score: number };

/** A published answer's kind and date, question and answer (here and on the answers page). */
export const AnswerText = ({ answer: a }: { answer: PublicAnswerView }) => (
  <>
    <p class="muted small">
      {kindName(a.kind)} · {t('published', { date: formatDate(a.publishedAt) })}
    </p>
    <p class="text">
      <strong>{t('question')}</strong>
      {a.question}
    </p>
    <p class="text">
      <strong>{t('answer')}</strong>
      {a.answer}
    </p>
  </>
);

export const SimilarAnswers = (props: { text: string }) => {
  const [answers, setAnswers] = useState<Similar[]>([]);
  /** The text the answers shown are for (a test waits for it: the search is asynchronous). */
  const [searched, setSearched] = useState('');
  const latest = useRef(0);
  const text = props.text.trim();
  useEffect(() => {
    const asked = ++latest.current;
    if (codePointLength(text) < 2) {
      setAnswers([]);
      setSearched(text);
      return;
    }
    const timer = setTimeout(async () => {
      const r = await apiRequest<{ answers: Similar[] }>('GET', `/api/public/answers/similar?text=${encodeURIComponent(text.slice(0, 500))}`);
      if (asked !== latest.current) return;
      setAnswers(r.ok && Array.isArray(r.json?.answers) ? r.json.answers.filter((a) => a.score >= shownFromScore) : []);
      setSearched(text);
    }, debounceMs);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <>
      <p class="sr-only" role="status" aria-live="polite" id="similar-status" data-searched={searched}>
        {answers.length ? t('found', { n: answers.length }) : ''}
      </p>
      {answers.length ? (
        <section class="similar" aria-labelledby="similar-heading" id="similar-answers">
          <h2 id="similar-heading">{t('heading')}</h2>
          <ul>
            {answers.map((a) => (
              <li key={a.id}>
                <details>
                  <summary>{a.title}</summary>
                  <AnswerText answer={a} />
                </details>
              </li>
            ))}
          </ul>
          <p class="small">
            <a href="/answers">{t('all')}</a>
          </p>
        </section>
      ) : null}
    </>
  );
};
