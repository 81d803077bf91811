import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { toFieldErrors } from '../../shared/schemas/field-errors';
import { buildOpenApiDocument } from '../../shared/schemas/openapi';
import { createSubmissionBody, followUpBody, idempotencyKeySchema, ratingBody } from '../../shared/schemas/submission';
import { codePointLength, text } from '../../shared/schemas/text';

/**
 * The distinct paths a client would see in `errors[]`, sorted; [] when the value is valid.
 * (An empty string fails both the minimum and the blank check, so one path may carry two messages.)
 */
const errorPaths = (schema: z.ZodMiniType, value: unknown): string[] => {
  const r = schema.safeParse(value);
  return r.success ? [] : [...new Set(toFieldErrors(r.error.issues).map((e) => e.path))].sort();
};

const valid = { kind: 'question', title: '关于培训安排', body: '下次培训能否提前一周通知？', anonymous: true } as const;

describe('text()', () => {
  const t = text(1, 5);

  it('counts code points: an emoji or a CJK character is one', () => {
    expect(codePointLength('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(codePointLength('意见😀a')).toBe(4);
    expect(t.safeParse('😀'.repeat(5)).success).toBe(true);
    expect(t.safeParse('😀'.repeat(6)).success).toBe(false);
    expect(t.safeParse('意见箱意见').success).toBe(true);
    expect(t.safeParse('意见箱意见箱').success).toBe(false);
    // A ZWJ family is five code points, and counts as five.
    expect(codePointLength('👨‍👩‍👧')).toBe(5);
    expect(t.safeParse('👨‍👩‍👧').success).toBe(true);
    expect(t.safeParse('👨‍👩‍👧a').success).toBe(false);
  });

  it('enforces the minimum', () => {
    expect(t.safeParse('').success).toBe(false);
    expect(text(3, 10).safeParse('ab').success).toBe(false);
    expect(text(3, 10).safeParse('a😀b').success).toBe(true);
  });

  it('refuses blank text, ideographic spaces included', () => {
    for (const blank of ['   ', '\n\n', '\t \r\n', '\u3000\u3000', '\u00a0']) {
      const r = t.safeParse(blank);
      expect(r.success, JSON.stringify(blank)).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toContain('Must not be blank.');
    }
  });

  it('refuses C0 controls and DEL but keeps tab and newlines, stored exactly as sent', () => {
    for (const bad of ['a\u0000', 'a\u0007', 'a\u0008', 'a\u000b', 'a\u000c', 'a\u001b', 'a\u001f', 'a\u007f']) {
      const r = t.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toContain('Must not contain control characters.');
    }
    for (const good of ['a\tb', 'a\nb', 'a\r\nb', ' a ']) {
      const r = t.safeParse(good);
      expect(r.success, JSON.stringify(good)).toBe(true);
      expect(r.data).toBe(good);
    }
  });

  it('refuses C1 controls (U+0080..U+009F), whatever their place', () => {
    for (const bad of ['a\u0080', '\u0085b', 'a\u008db', 'a\u009f', '意见\u0090']) {
      const r = t.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toContain('Must not contain control characters.');
    }
    // The first printable characters after them are text.
    for (const good of ['\u00a0a', 'é', '\u00ff']) expect(t.safeParse(good).success, JSON.stringify(good)).toBe(true);
  });

  it('refuses bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069)', () => {
    const controls = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of controls) {
      const r = t.safeParse(`ab${c}cd`);
      expect(r.success, JSON.stringify(c)).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toContain('Must not contain bidirectional override characters.');
    }
    // The implicit marks (LRM, RLM, ALM) do not reorder what is stored: they stay allowed beside text.
    for (const good of ['a\u200eb', 'a\u200fb', 'a\u061cb']) expect(t.safeParse(good).success, JSON.stringify(good)).toBe(true);
  });

  it('refuses text of only invisible characters', () => {
    const invisible = [
      '\u200b',
      '\u200b\u200c\u200d',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u180e',
      ' \u200b\u3000',
      '\u3164',
      '\u115f\u1160',
      '\uffa0',
      '\ufe0f',
      '\u034f',
      '\u2800',
      '\u200e\u200f',
      '\u2028\u2029',
    ];
    for (const blank of invisible) {
      const r = t.safeParse(blank);
      expect(r.success, JSON.stringify(blank)).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toContain('Must not be blank.');
    }
  });

  it('accepts CJK, emoji with ZWJ sequences and skin tones, and text with tabs and newlines', () => {
    const long = text(1, 200);
    for (const good of [
      '关于培训安排的意见',
      '한국어 텍스트',
      'にほんご',
      '👨‍👩‍👧',
      '👩🏽‍💻',
      '❤️',
      '🏳️‍🌈',
      '1️⃣',
      '第一行\n第二行\t制表',
      'a\u200bb',
      '\ufeff意见',
      'שלום',
      'مرحبا',
    ]) {
      const r = long.safeParse(good);
      expect(r.success, JSON.stringify(good)).toBe(true);
      expect(r.data).toBe(good);
    }
  });

  it('refuses a lone UTF-16 surrogate but keeps real pairs (emoji)', () => {
    for (const bad of ['\ud800', 'a\udc00b', '\ud83d']) {
      const r = t.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error!.issues.map((i) => i.message)).toContain('Must be valid Unicode text.');
    }
    expect(t.safeParse('😀👍').success).toBe(true);
  });

  it('refuses what is not a string', () => {
    for (const v of [5, null, undefined, ['a'], { a: 1 }]) expect(t.safeParse(v).success).toBe(false);
  });
});

describe('createSubmissionBody', () => {
  it('accepts a minimal anonymous submission and every kind', () => {
    for (const kind of ['feedback', 'question', 'suggestion', 'problem', 'practice']) expect(errorPaths(createSubmissionBody, { ...valid, kind })).toEqual([]);
    expect(errorPaths(createSubmissionBody, { ...valid, kind: 'complaint' })).toEqual(['kind']);
  });

  it('limits title to 120 and body to 5000 code points', () => {
    expect(errorPaths(createSubmissionBody, { ...valid, title: '😀'.repeat(120), body: '意'.repeat(5000) })).toEqual([]);
    expect(errorPaths(createSubmissionBody, { ...valid, title: '😀'.repeat(121), body: '意'.repeat(5001) })).toEqual(['body', 'title']);
    expect(errorPaths(createSubmissionBody, { ...valid, title: '', body: ' ' })).toEqual(['body', 'title']);
  });

  it('needs kind, title, body and anonymous (a real boolean)', () => {
    expect(errorPaths(createSubmissionBody, {})).toEqual(['anonymous', 'body', 'kind', 'title']);
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: 'true' })).toEqual(['anonymous']);
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: 1 })).toEqual(['anonymous']);
  });

  it('refuses contact details on an anonymous submission, even an empty contact', () => {
    expect(errorPaths(createSubmissionBody, { ...valid, contact: { email: 'wang@example.com' } })).toEqual(['contact']);
    expect(errorPaths(createSubmissionBody, { ...valid, contact: {} })).toEqual(['contact']);
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: false, contact: { email: 'wang@example.com' } })).toEqual([]);
    // An empty contact is no contact: refused either way (it used to be stored as an empty map).
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: false, contact: {} })).toEqual(['contact']);
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: false, contact: { mail: 'a@b.cn' } })).toEqual(['contact.mail']);
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: false })).toEqual([]);
  });

  it('takes a rating 1..5 on feedback only', () => {
    for (const rating of [1, 3, 5]) expect(errorPaths(createSubmissionBody, { ...valid, kind: 'feedback', rating })).toEqual([]);
    for (const rating of [0, 6, 2.5, '4', -1]) expect(errorPaths(createSubmissionBody, { ...valid, kind: 'feedback', rating }), String(rating)).toEqual(['rating']);
    for (const kind of ['question', 'suggestion', 'problem', 'practice']) {
      expect(errorPaths(createSubmissionBody, { ...valid, kind, rating: 4 }), kind).toEqual(['rating']);
    }
  });

  it('checks e-mail addresses', () => {
    const withEmail = (email: unknown) => ({ ...valid, anonymous: false, contact: { email } });
    for (const ok of ['wang@example.com', 'a.b+c@sub.example.cn', 'x_y@mail.gov.cn']) expect(errorPaths(createSubmissionBody, withEmail(ok)), ok).toEqual([]);
    for (const bad of ['not-an-email', 'a@b', 'a@@example.com', '@example.com', 'wang@', 'wang @example.com', '', 5, `${'a'.repeat(250)}@example.com`]) {
      expect(errorPaths(createSubmissionBody, withEmail(bad)), String(bad)).toEqual(['contact.email']);
    }
  });

  it('checks phone numbers', () => {
    const withPhone = (phone: unknown) => ({ ...valid, anonymous: false, contact: { phone } });
    for (const ok of ['+86 138 0000 0000', '13800000000', '010-12345678', '010 1234 5678', '12345']) {
      expect(errorPaths(createSubmissionBody, withPhone(ok)), ok).toEqual([]);
    }
    for (const bad of ['1234', 'abc12345', '+', '138-0000-0000x', ' 13800000000', `1${'2'.repeat(30)}`, '+86\n13800000000', 13800000000]) {
      expect(errorPaths(createSubmissionBody, withPhone(bad)), String(bad)).toEqual(['contact.phone']);
    }
  });

  it('checks the contact name as text (1..60, not blank, no controls)', () => {
    const withName = (name: string) => ({ ...valid, anonymous: false, contact: { name } });
    expect(errorPaths(createSubmissionBody, withName('王小明'))).toEqual([]);
    expect(errorPaths(createSubmissionBody, withName('王'.repeat(60)))).toEqual([]);
    for (const bad of ['', '  ', '王'.repeat(61), '王\u0000']) expect(errorPaths(createSubmissionBody, withName(bad))).toEqual(['contact.name']);
  });

  it('refuses unknown keys at every level, each at its own path', () => {
    expect(errorPaths(createSubmissionBody, { ...valid, titel: 'typo' })).toEqual(['titel']);
    expect(errorPaths(createSubmissionBody, { ...valid, anonymous: false, contact: { name: '王', mail: 'a@b.cn', wechat: 'x' } })).toEqual([
      'contact.mail',
      'contact.wechat',
    ]);
    expect(errorPaths(createSubmissionBody, { ...valid, __proto__x: 1, constructor: 1 })).toEqual(['__proto__x', 'constructor']);
  });

  it('checks unitId as an id and keeps the honeypot optional', () => {
    expect(errorPaths(createSubmissionBody, { ...valid, unitId: 'u01' })).toEqual([]);
    expect(errorPaths(createSubmissionBody, { ...valid, unitId: '../u01' })).toEqual(['unitId']);
    expect(errorPaths(createSubmissionBody, { ...valid, unitId: '' })).toEqual(['unitId']);
    expect(errorPaths(createSubmissionBody, { ...valid, website: 'http://spam.example' })).toEqual([]);
    expect(errorPaths(createSubmissionBody, { ...valid, website: 'x'.repeat(2001) })).toEqual(['website']);
  });
});

describe("zod's own messages", () => {
  it('are the English ones the API has always sent (zod/mini loads no locale; shared/schemas/schema.ts sets it)', () => {
    const r = createSubmissionBody.safeParse({ kind: 'complaint', title: 't', body: 'b', anonymous: 'true', rating: 2.5, website: 'x'.repeat(2001) });
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['kind', 'Invalid option: expected one of "feedback"|"question"|"suggestion"|"problem"|"practice"'],
      ['anonymous', 'Invalid input: expected boolean, received string'],
      ['rating', 'Invalid input: expected int, received number'],
      ['website', 'Too big: expected string to have <=2000 characters'],
    ]);
    expect(followUpBody.safeParse(5).error!.issues[0].message).toBe('Invalid input: expected object, received number');
  });
});

describe('followUpBody and ratingBody', () => {
  it('follow-up: 1..2000 code points of text, nothing else', () => {
    expect(errorPaths(followUpBody, { body: '😀'.repeat(2000) })).toEqual([]);
    expect(errorPaths(followUpBody, { body: '😀'.repeat(2001) })).toEqual(['body']);
    expect(errorPaths(followUpBody, { body: '' })).toEqual(['body']);
    expect(errorPaths(followUpBody, { body: '\u3000' })).toEqual(['body']);
    expect(errorPaths(followUpBody, { body: 'a\u0000' })).toEqual(['body']);
    expect(errorPaths(followUpBody, {})).toEqual(['body']);
    expect(errorPaths(followUpBody, { body: 'ok', anonymous: true })).toEqual(['anonymous']);
  });

  it('rating: one of three answers, an optional comment, nothing else', () => {
    for (const satisfaction of ['satisfied', 'basically', 'unsatisfied']) expect(errorPaths(ratingBody, { satisfaction })).toEqual([]);
    for (const satisfaction of ['great', 'Satisfied', '', 1, undefined]) expect(errorPaths(ratingBody, { satisfaction })).toEqual(['satisfaction']);
    expect(errorPaths(ratingBody, { satisfaction: 'unsatisfied', comment: '没有回答我的问题。' })).toEqual([]);
    expect(errorPaths(ratingBody, { satisfaction: 'unsatisfied', comment: '意'.repeat(1001) })).toEqual(['comment']);
    expect(errorPaths(ratingBody, { satisfaction: 'unsatisfied', comment: ' ' })).toEqual(['comment']);
    expect(errorPaths(ratingBody, { satisfaction: 'satisfied', score: 5 })).toEqual(['score']);
  });

  it('Idempotency-Key: 8..128 visible ASCII characters', () => {
    expect(idempotencyKeySchema.safeParse('abcdefgh').success).toBe(true);
    expect(idempotencyKeySchema.safeParse('x'.repeat(128)).success).toBe(true);
    for (const bad of ['abcdefg', 'x'.repeat(129), 'abcd efgh', 'abcdefg\n', '意见意见意见意见']) expect(idempotencyKeySchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument() as any;
  const requestSchema = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;

  it('publishes the text limits and the strictness of the submission body', () => {
    const s = requestSchema('/api/submissions');
    expect(s.additionalProperties).toBe(false);
    expect(s.required.sort()).toEqual(['anonymous', 'body', 'kind', 'title']);
    expect(s.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 120 });
    expect(s.properties.body).toMatchObject({ type: 'string', minLength: 1, maxLength: 5000 });
    expect(s.properties.contact.additionalProperties).toBe(false);
    expect(s.properties.contact.properties.name).toMatchObject({ minLength: 1, maxLength: 60 });
    expect(s.properties.contact.properties.email.maxLength).toBe(254);
    expect(s.properties.rating).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
  });

  it('publishes the follow-up and rating bodies the same way', () => {
    const f = requestSchema('/api/submissions/{trackingCode}/follow-ups');
    expect(f).toMatchObject({ additionalProperties: false, required: ['body'], properties: { body: { minLength: 1, maxLength: 2000 } } });
    const r = requestSchema('/api/submissions/{trackingCode}/rating');
    expect(r.additionalProperties).toBe(false);
    expect(r.required).toEqual(['satisfaction']);
    expect(r.properties.satisfaction.enum).toEqual(['satisfied', 'basically', 'unsatisfied']);
    expect(r.properties.comment).toMatchObject({ minLength: 1, maxLength: 1000 });
  });

  it('documents the access key, idempotency and proof-of-work headers where they apply', () => {
    const names = (path: string, method: string) => (doc.paths[path][method].parameters ?? []).map((p: { name: string }) => p.name);
    expect(names('/api/submissions', 'post')).toEqual(['Idempotency-Key', 'X-Altcha']);
    expect(names('/api/submissions/{trackingCode}/follow-ups', 'post')).toEqual(['trackingCode', 'X-Access-Key', 'X-Altcha']);
    expect(names('/api/submissions/{trackingCode}/rating', 'post')).toEqual(['trackingCode', 'X-Access-Key', 'X-Altcha']);
    expect(names('/api/submissions/{trackingCode}', 'get')).toEqual(['trackingCode', 'X-Access-Key']);
    const idem = doc.paths['/api/submissions'].post.parameters[0];
    expect(idem.schema).toMatchObject({ minLength: 8, maxLength: 128 });
  });
});
