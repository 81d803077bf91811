/**
 * The console's printable report in headless Chromium (API.md v2 "Exports for people"): the office
 * and a leader open `#/report`, choose a phase or a period, and print it to A4 PDF; MuPDF reads the
 * PDF's text, whose figures must be the dashboard API's for the same filter: the totals, the three
 * rates overall and per group, the groups' figures, hot-spot units (suppressed for the leader), the
 * overdue and urged items, the session and the practice. Chinese by default, English after the
 * language switch. axe-core on the page. The PDFs go to test-results/e2e/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactsDir, desktop, runAxe, seriousViolations, signInAs, useWebStackAndBrowser, type WebStack } from '../support/browser';
import { readPdf } from '../support/qr-decode';
import { ownUnit } from '../support/staff-people';

const files = useWebStackAndBrowser();
const { pages, json } = files;
let web: WebStack;
let office: Record<string, string>;
/** The server's clock during the test: the 22nd, when the questions of the 9th are overdue and urged. */
const later = new Date('2026-12-22T02:00:00.000Z');

interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}
/** A rate as the report prints it: "66.7%(2/3)" without spaces, or "—(0/0)". */
const rateText = (r: Rate) => `${r.rate === null ? '—' : `${Math.round(r.rate * 1000) / 10}%`}(${r.numerator}/${r.denominator})`;
const squeeze = (text: string) => text.replace(/\s+/g, '');

const submit = async (title: string, body: Record<string, unknown> = {}) => {
  const r = await json('POST', '/api/submissions', { kind: 'question', title, body: '请答复。', anonymous: true, unitId: ownUnit.id, ...body });
  expect(r.status).toBe(201);
  return r.body as { trackingCode: string; accessKey: string };
};

beforeAll(async () => {
  web = files.web();
  const clock = web.stack.clock;
  office = { authorization: `Bearer ${(await json('POST', '/api/dev/token', { sub: 'report-office', name: '办公室', groups: ['office'] })).body.token}` };
  const group = { authorization: `Bearer ${(await json('POST', '/api/dev/token', { sub: 'report-g1', name: '一组', groups: ['group:g1'] })).body.token}` };
  clock.set(new Date('2026-12-09T02:00:00.000Z'));
  await submit('报告用的疑问');
  // A unit with one item: below privacy.minCount, its numbers are not shown to leaders.
  await submit('另一个单位的事项', { unitId: 'u20' });
  for (const [i, resolved] of (['yes', 'no', 'yes'] as const).entries()) {
    const item = await submit(`报告用的反馈 ${i}`, { kind: 'feedback', rating: 5 });
    expect((await json('POST', `/api/items/${item.trackingCode}/replies`, { body: '已答复。', visibility: 'public' }, group)).status).toBe(201);
    expect((await json('POST', `/api/submissions/${item.trackingCode}/rating`, { satisfaction: resolved === 'yes' ? 'satisfied' : 'unsatisfied', resolved }, { 'X-Access-Key': item.accessKey })).status).toBe(200);
  }
  const practice = await submit('“码上办”窗口服务', { kind: 'practice', body: '推行扫码评价，群众满意度明显提升。' });
  expect((await json('POST', `/api/items/${practice.trackingCode}/transition`, { action: 'recommend' }, group)).status).toBe(200);
  // A problem with a rectification planned, due on the 18th: overdue by the 22nd.
  const problem = await submit('材料重复报送', { kind: 'problem' });
  const version = (await json('GET', `/api/items/${problem.trackingCode}`, undefined, office)).body.version;
  const plan = await json('PUT', `/api/items/${problem.trackingCode}/rectification`, { unitId: ownUnit.id, measures: '建立协调机制。', standard: '材料只报一次。', deadline: '2026-12-18' }, { ...office, 'If-Match': `"${version}"` });
  expect(plan.status).toBe(200);
  const session = await json('POST', '/api/sessions', { title: '报告打印培训会', startsAt: '2026-12-09T01:00:00.000Z', groupId: 'g1' }, office);
  expect(session.status).toBe(201);
  expect((await json('POST', `/api/sessions/${session.body.code}/records`, { entries: [{ kind: 'question', title: '学时认定', body: '线上学时是否计入？', answer: '计入。' }] }, office)).status).toBe(201);
  clock.set(later);
  await web.stack.sweep();
  await web.stack.drainTally();
});

/** The report at `query` as `user`, printed to an A4 PDF, and its text (whitespace removed). */
const printed = async (page: Page, query: string, name: string) => {
  await page.goto(`${web.url}/console#/report${query ? `?${query}` : ''}`);
  await page.locator(`#report[data-query="${query}"] #report-totals`).waitFor();
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(join(artifactsDir, `${name}.pdf`), pdf);
  const sheets = readPdf(pdf);
  for (const sheet of sheets) {
    // A4 portrait in points (210 × 297 mm).
    expect(Math.round(sheet.width)).toBe(595);
    expect(Math.round(sheet.height)).toBe(842);
  }
  return { sheets: sheets.length, text: squeeze(sheets.map((s) => s.text).join('\n')) };
};

/** The dashboard API's figures for the same filter, as the report must print them. */
const expectFigures = async (text: string, query: string, headers: Record<string, string>) => {
  web.stack.clock.set(later);
  const dash = (await json('GET', `/api/dashboard${query ? `?${query}` : ''}`, undefined, headers)).body;
  const t = dash.totals;
  const open = t.submitted + t.assigned + t.in_progress + t.reopened;
  // The totals row, in the order of its headers.
  expect(text).toContain(`事项总数未办结已超期已催办已答复已办结不予受理已合并${t.all}${open}${t.overdue}${t.urged}${t.answered}${t.closed}${t.rejected}${t.merged}`);
  // The three rates, overall and for each group.
  expect(text).toContain(`合计${rateText(dash.rates.response)}${rateText(dash.rates.resolution)}${rateText(dash.rates.satisfaction)}`);
  for (const g of dash.byGroup) {
    expect(text).toContain(`${g.name}${rateText(g.rates.response)}${rateText(g.rates.resolution)}${rateText(g.rates.satisfaction)}`);
    expect(text).toContain(`${g.name}${g.open}${g.overdue}${g.urged}${g.answered}${g.closed}`);
  }
  // Kinds, in the order of the form.
  expect(text).toContain(`培训反馈疑问意见建议问题反映经验做法${dash.byKind.feedback}${dash.byKind.question}${dash.byKind.suggestion}${dash.byKind.problem}${dash.byKind.practice}`);
  const rect = (c: Record<string, number>) => ['planned', 'in_progress', 'submitted', 'verified', 'returned', 'overdue'].map((k) => c[k]).join('');
  expect(text).toContain(`合计${rect(dash.rectifications)}`);
  for (const g of dash.byGroup) expect(text).toContain(`${g.name}${rect(g.rectifications)}`);
  for (const u of dash.byUnit.slice(0, 10)) expect(text).toContain(u.suppressed ? `${u.name}事项少于规定数量，不显示` : `${u.name}${u.total}${u.open}${u.problems}`);
  return dash;
};

describe('the printable report', () => {
  let page: Page;

  it('prints, for the whole campaign, exactly the dashboard\'s figures, the overdue and urged items, the session and the practice', async () => {
    page = await pages.open(desktop);
    await signInAs(page, web, 'demo-office');
    await page.locator('nav.nav a[href="#/report"]').click();
    await page.locator('#report').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    const { text, sheets } = await printed(page, '', '60-report');
    expect(sheets).toBeGreaterThanOrEqual(1);
    const dash = await expectFigures(text, '', office);
    expect(dash.totals.overdue).toBeGreaterThan(0);
    expect(dash.totals.urged).toBeGreaterThan(0);
    expect(dash.rectifications).toMatchObject({ planned: 1, overdue: 1 });
    expect(text).toContain('十、整改情况（按督导组）');
    expect(text).toContain(`六、超期事项（${dash.totals.overdue}件）`);
    expect(text).toContain(`七、已催办事项（${dash.totals.urged}件）`);
    expect(text).toContain('报告用的疑问');
    expect(text).toContain('报告打印培训会');
    expect(text).toContain('“码上办”窗口服务');
    expect(text).toContain('推行扫码评价，群众满意度明显提升。');
    expect(text).toContain('（Asia/Shanghai）');
    // Nothing of the console around it is printed: no navigation, no chooser, no buttons.
    for (const chrome of ['看板', '退出', '打印或另存为', '开始日期']) expect(text).not.toContain(chrome);
  });

  it('prints a phase and a period as the dashboard counts them', async () => {
    await page.locator('#r-phase').selectOption('study');
    await page.locator('#report[data-query="phase=study"]').waitFor();
    expect(page.url()).toContain('phase=study');
    const phase = await printed(page, 'phase=study', '61-report-phase');
    await expectFigures(phase.text, 'phase=study', office);
    expect(phase.text).toContain('阶段：学习动员');
    const period = await printed(page, 'from=2026-12-09&to=2026-12-09', '62-report-period');
    await expectFigures(period.text, 'from=2026-12-09&to=2026-12-09', office);
    expect(period.text).toContain('时间：2026-12-09至2026-12-09');
    const empty = await printed(page, 'from=2026-12-20', '63-report-empty');
    await expectFigures(empty.text, 'from=2026-12-20', office);
    expect(empty.text).toContain('八、培训场次无。');
  });

  it('for a leader, with small units suppressed as on their dashboard; in English after the switch', async () => {
    const leaderPage = await pages.open(desktop);
    await signInAs(leaderPage, web, 'demo-leader');
    const leader = { authorization: `Bearer ${(await json('POST', '/api/dev/token', { sub: 'demo-leader', name: '区委领导', groups: ['leader'] })).body.token}` };
    const { text } = await printed(leaderPage, '', '64-report-leader');
    const dash = await expectFigures(text, '', leader);
    expect(dash.byUnit.some((u: { suppressed?: boolean }) => u.suppressed)).toBe(true);
    await leaderPage.locator('button[lang="en"]').first().click();
    await leaderPage.locator('#report-heading').waitFor();
    const english = squeeze(await leaderPage.locator('#report').innerText());
    expect(english).toContain('1.Overview');
    expect(english).toContain('Thethreerates');
    // A responder has no report: neither in the navigation nor at its address.
    const responder = await pages.open(desktop);
    await signInAs(responder, web, 'demo-g1');
    expect(await responder.locator('nav.nav a[href="#/report"]').count()).toBe(0);
  });
});
