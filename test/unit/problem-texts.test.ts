import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemFor, problems, problemTypes } from '../../shared/http/problem';
import * as errors from '../../shared/domain/errors';
import { setLang } from '../../web/src/lib/i18n';
import { problemText, translateMessage } from '../../web/src/lib/messages';
import { chineseFor, problemTypeTexts, statusTexts } from '../../web/src/lib/problem-texts';
import { historyNote, machineNoteActions } from '../../web/src/lib/history-notes';

/**
 * The pages have a text in Chinese and in English for every problem the API can answer with, and
 * the Chinese for every English sentence the server writes in a problem. Both lists come from the
 * server's code (problemTypes; the sentences read out of shared/), so a new problem type or a new
 * sentence without its texts fails here.
 */

const nameOf = (type: string) => /\/problems\/([a-z-]+)$/.exec(type)?.[1];

/** Every TypeScript file under shared/. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/**
 * The English sentences a person may read in a problem: the details of domain errors and the
 * messages of field errors, as written in shared/ (schemas, services, the HTTP stack). A template's
 * `${…}` becomes a number, or nothing where it is a word's ending ("character${s}").
 */
const serverSentences = (): { file: string; sentence: string }[] => {
  const out: { file: string; sentence: string }[] = [];
  const marker = /new (?:NotFound|Forbidden|Conflict|InvalidInput|SessionClosed)Error\(|message: |super\('|problems\.validation\(|throw new ConflictError/;
  const literal = /'((?:[^'\\]|\\.)*)'|`((?:[^`\\$]|\\.|\$\{[^}]*\}|\$(?!\{))*)`/g;
  for (const file of sources('shared')) {
    if (file.endsWith('openapi.ts')) continue; // descriptions for integrators, not messages
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!marker.test(line) || /logger\.|console\./.test(line)) continue;
      for (const m of line.matchAll(literal)) {
        const raw = m[1] ?? m[2] ?? '';
        const sentence = raw.replace(/(\w?)\$\{[^}]*\}/g, (_, before: string) => (before ? before : '7'));
        // A sentence a person reads: a capital first, words, an ending stop.
        if (/^["A-Z][^]*\s[^]*[.]$/.test(sentence) && !/^[A-Z][a-z]+Error$/.test(sentence)) out.push({ file, sentence });
      }
    }
  }
  return out;
};

describe('the pages’ texts for the API’s problems', () => {
  it('have Chinese and English for every problem type the server declares', () => {
    const missing: string[] = [];
    for (const [key, type] of Object.entries(problemTypes)) {
      if (type === 'about:blank') continue;
      const texts = problemTypeTexts[nameOf(type) ?? ''];
      if (!texts?.zh.trim() || !texts.en.trim()) missing.push(key);
    }
    expect(missing).toEqual([]);
  });

  it('have Chinese and English for every status the server answers with (about:blank problems are told by status)', () => {
    const problemSource = readFileSync('shared/http/problem.ts', 'utf8');
    const statuses = [...problemSource.matchAll(/new HttpProblem\((\d{3})/g)].map((m) => Number(m[1]));
    const declared = [...problemSource.matchAll(/^\s+(\d{3}): '/gm)].map((m) => Number(m[1]));
    expect(statuses.length).toBeGreaterThan(5);
    for (const status of new Set([...statuses, ...declared, 0])) {
      expect(statusTexts[status]?.zh, `zh for ${status}`).toBeTruthy();
      expect(statusTexts[status]?.en, `en for ${status}`).toBeTruthy();
    }
  });

  it('know the Chinese for every English sentence the server writes in a detail or a field error', () => {
    const found = serverSentences();
    // The scan itself works: it finds the sentences people saw raw.
    expect(found.map((f) => f.sentence)).toEqual(expect.arrayContaining(['No such item to merge into.', 'Must not be blank.', 'Must be at least 7 character.']));
    const untranslated = found.filter((f) => chineseFor(f.sentence) === null).map((f) => `${f.file}: ${f.sentence}`);
    expect(untranslated).toEqual([]);
  });

  it('never show the server’s English on a Chinese page, for any problem the server makes', () => {
    const made = [
      problems.tooLarge(16384),
      problems.malformedJson(),
      problems.unsupportedMediaType(),
      problems.rateLimited(30),
      problems.rateLimited(30, { proofHelps: false }),
      problems.roomFull(30),
      problems.proofUsed(),
      problems.proofInvalid('invalid'),
      problems.proofInvalid('expired'),
      problems.unavailable(2),
      problems.internal(),
      problems.forbidden('Some rule we have not translated yet.'),
      problems.conflict('A conflict we have not translated yet.'),
      problems.notFound(),
      problemFor(new errors.StaleVersionError()),
      problemFor(new errors.SessionClosedError()),
      problemFor(new errors.InvalidInputError([{ path: 'targetId', message: 'No such item to merge into.' }])),
      problemFor(new errors.ConflictError('This submission already has 20 follow-ups, the most it can take.')),
    ];
    for (const problem of made) {
      const result = { status: problem.status, problem: problem.toDocument(), headers: new Headers(problem.headers) };
      setLang('zh');
      const zh = problemText(result);
      expect(zh, problem.type).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, problem.type).not.toMatch(/[A-Za-z]{3,}/);
      setLang('en');
      expect(problemText(result), problem.type).toMatch(/^[\x20-\x7e’]+$/);
    }
    setLang('zh');
    expect(problemText({ status: 413, problem: problems.tooLarge(16384).toDocument() })).toBe(problemTypeTexts['too-large']!.zh);
    expect(problemText({ status: 409, problem: problems.conflict('This item already has 200 replies, the most it can take.').toDocument() })).toBe('这条事项已有 200 条答复，已达上限。');
    expect(problemText({ status: 429, problem: problems.roomFull(45).toDocument(), headers: new Headers({ 'retry-after': '45' }) })).toContain('45 秒');
    expect(problemText({ status: 0 })).toBe(statusTexts[0]!.zh);
  });

  it('put a field error the pages do not know into plain Chinese, and the server’s own words in English', () => {
    setLang('zh');
    expect(translateMessage('No such item to merge into.')).toBe('没有要合并到的这条事项，请检查编号。');
    expect(translateMessage('Some message added later.')).not.toMatch(/[A-Za-z]/);
    setLang('en');
    expect(translateMessage('Some message added later.')).toBe('Some message added later.');
    setLang('zh');
  });
});

describe('the history notes the server writes', () => {
  /** Every literal a service writes as an event's `note`, with sample values for its `${…}`. */
  const serverNotes = (): string[] => {
    const sample = (expr: string) =>
      /groupId/.test(expr) ? 'g1' : /ruleIndex/.test(expr) ? '2' : /dueAt/.test(expr) ? '2026-12-14T15:59:59.999Z' : /Days/.test(expr) ? '180' : /satisfaction/.test(expr) ? 'basically' : /comment/.test(expr) ? '很好' : '7';
    const out: string[] = [];
    for (const file of sources('shared/services')) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const at = line.indexOf('note: ');
        if (at < 0) continue;
        for (const m of line.slice(at).matchAll(/'((?:[^'\\]|\\.)*)'|`((?:[^`\\$]|\\.|\$\{[^}]*\}|\$(?!\{))*)`/g)) {
          out.push((m[1] ?? m[2] ?? '').replace(/\$\{([^}]*)\}/g, (_, expr: string) => sample(expr)));
        }
      }
    }
    return out;
  };

  it('are each put into Chinese, and names a group by its name', () => {
    const found = serverNotes();
    expect(found).toEqual(expect.arrayContaining(['routed to g1 by unit', 'answered on the spot']));
    setLang('zh');
    const group = (id: string) => (id === 'g1' ? '第一督导组' : id);
    const untranslated = found.filter((note) => !machineNoteActions.some((action) => !/[A-Za-z]{3,}/.test(historyNote(action, note, group))));
    expect(untranslated).toEqual([]);
    // A rating's bare satisfaction (`note: satisfaction`, no literal to find).
    expect(historyNote('rate', 'unsatisfied')).toBe('不满意');
    expect(historyNote('submit', 'routed to g1 by rule 3', group)).toBe('按第 3 条规则分派给第一督导组');
    setLang('en');
    expect(historyNote('submit', 'routed to g1 by unit', group)).toBe('routed to 第一督导组 by unit');
    setLang('zh');
  });

  it('leave a note a person wrote as written, even one that looks like the server’s', () => {
    expect(historyNote('assign', 'routed to g1 by unit')).toBe('routed to g1 by unit');
    expect(historyNote('reject', 'for the office')).toBe('for the office');
    expect(historyNote('overdue', 'due tomorrow')).toBe('due tomorrow');
  });
});
