/**
 * Issue #14, point 14: an unknown tracking code and a wrong access key must take the same time, so
 * the time of a 404 does not tell an attacker that a code exists. Each submitter route is called
 * with both, alternating (which of the two goes first flips every pair, so a drift in the machine's
 * load falls on both alike), one request at a time through the gateway; the figure is the median of
 * each and their ratio (wrong key / unknown code, target close to 1), with the read units each
 * consumed (the capacity meter's mean).
 */
import { median, round } from './measure';
import { expectStatus, submit, type Desk } from './scale';
import { submissionBody } from './fixtures';

export interface AccessTimingFigure {
  readonly route: string;
  readonly unknownCodeMedianMs: number;
  readonly wrongKeyMedianMs: number;
  /** wrong key / unknown code. */
  readonly ratio: number;
  readonly unknownCodeReadUnits: number;
  readonly wrongKeyReadUnits: number;
}

/** A code no item has: the alphabet's first character only (a drawn code is random). */
const unknownCode = 'YJ-0000-0000';

export const measureAccessTiming = async (desk: Desk, samples: number): Promise<AccessTimingFigure[]> => {
  // A tracked item with a history (follow-ups): reading it whole is what made a wrong key slower.
  const { trackingCode, accessKey } = await submit(desk, { ...submissionBody(), body: '正文。'.repeat(300) });
  for (let i = 0; i < 10; i++) {
    await expectStatus('follow-up', desk.http.post(`/api/submissions/${trackingCode}/follow-ups`, { body: `补充 ${i}：${'细节'.repeat(200)}` }, { 'X-Access-Key': accessKey }), 201);
  }
  const wrongKey = { 'X-Access-Key': `${accessKey.slice(0, -2)}AA` };
  const routes: [string, (code: string) => Promise<unknown>][] = [
    ['GET /api/submissions/{trackingCode}', (code) => expectStatus('track', desk.http.get(`/api/submissions/${code}`, wrongKey), 404)],
    ['POST …/follow-ups', (code) => expectStatus('follow-up', desk.http.post(`/api/submissions/${code}/follow-ups`, { body: '再补充' }, wrongKey), 404)],
    ['POST …/rating', (code) => expectStatus('rating', desk.http.post(`/api/submissions/${code}/rating`, { satisfaction: 'satisfied' }, wrongKey), 404)],
  ];
  const figures: AccessTimingFigure[] = [];
  for (const [route, call] of routes) {
    const times = { unknown: [] as number[], wrong: [] as number[] };
    const units = { unknown: 0, wrong: 0 };
    const timed = async (which: 'unknown' | 'wrong') => {
      desk.capacity.reset();
      desk.capacity.measuring = true;
      const started = performance.now();
      await call(which === 'unknown' ? unknownCode : trackingCode);
      times[which].push(performance.now() - started);
      desk.capacity.measuring = false;
      units[which] += desk.capacity.read;
    };
    for (let i = 0; i < 20; i++) await call(i % 2 ? unknownCode : trackingCode); // warm both paths
    for (let i = 0; i < samples; i++) {
      const order: ('unknown' | 'wrong')[] = i % 2 ? ['unknown', 'wrong'] : ['wrong', 'unknown'];
      for (const which of order) await timed(which);
    }
    const unknownMs = median(times.unknown);
    const wrongMs = median(times.wrong);
    figures.push({
      route,
      unknownCodeMedianMs: round(unknownMs, 2),
      wrongKeyMedianMs: round(wrongMs, 2),
      ratio: round(wrongMs / unknownMs, 2),
      unknownCodeReadUnits: round(units.unknown / samples, 2),
      wrongKeyReadUnits: round(units.wrong / samples, 2),
    });
    desk.log(`  ${route}: unknown code ${round(unknownMs, 2)} ms, wrong key ${round(wrongMs, 2)} ms: ${round(wrongMs / unknownMs, 2)}×`);
  }
  return figures;
};
