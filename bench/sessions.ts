/**
 * Training sessions (issue #11): what a meeting's records and its summary cost, on the local stack.
 *
 * - POST /api/sessions/{code}/records with 100 entries (half answered on the spot): the one
 *   transaction of 100 item puts, timed and metered (write units), `rounds` times.
 * - A session with 300 items and 300 ratings: GET /api/sessions/{code}/summary,
 *   GET /api/dashboard?sessionCode= and walking GET /api/items?sessionCode= (limit 100), each timed
 *   and metered (read units): all three read the session's items, never the table.
 */
import { median, round, type HttpAnswer, type httpClient } from './measure';

interface Desk {
  readonly http: ReturnType<typeof httpClient>;
  readonly auth: Record<string, string>;
  readonly capacity: { measuring: boolean; reset(): void; readonly read: number; readonly write: number };
}

export interface SessionFigures {
  readonly records: { readonly entries: number; readonly rounds: number; readonly medianMs: number; readonly writeUnits: number };
  readonly reads: Record<'summary' | 'dashboard' | 'list', { readonly medianMs: number; readonly readUnits: number }> & { readonly items: number; readonly ratings: number };
}

const expectStatus = async (what: string, answer: Promise<HttpAnswer>, status: number): Promise<HttpAnswer> => {
  const r = await answer;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
  return r;
};

const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ kind: 'question', title: `会上提问 ${i}`, body: '培训中提出的问题，请研究答复。', ...(i % 2 ? { answer: '当场已作解答。' } : {}) }));

/** Times `call` `samples` times with the meter on: median milliseconds and median units. */
const meter = async (desk: Desk, samples: number, unit: 'read' | 'write', call: () => Promise<unknown>) => {
  const times: number[] = [];
  const units: number[] = [];
  desk.capacity.measuring = true;
  try {
    for (let i = 0; i < samples; i++) {
      desk.capacity.reset();
      const t = performance.now();
      await call();
      times.push(performance.now() - t);
      units.push(desk.capacity[unit]);
    }
  } finally {
    desk.capacity.measuring = false;
  }
  return { medianMs: round(median(times), 1), units: round(median(units), 1) };
};

export const measureSessions = async (desk: Desk, options: { rounds: number; log: (line: string) => void }): Promise<SessionFigures> => {
  const newSession = async () => (await expectStatus('session', desk.http.post('/api/sessions', { title: '基准培训会', startsAt: new Date().toISOString() }, desk.auth), 201)).json<{ code: string; joinKey: string }>();

  const scratch = await newSession();
  const records = await meter(desk, options.rounds, 'write', () => expectStatus('records', desk.http.post(`/api/sessions/${scratch.code}/records`, { entries: entries(100) }, desk.auth), 201));
  options.log(`  records of 100 entries: median ${records.medianMs} ms, ${records.units} write units`);

  const session = await newSession();
  for (let i = 0; i < 3; i++) await expectStatus('records', desk.http.post(`/api/sessions/${session.code}/records`, { entries: entries(100) }, desk.auth), 201);
  for (let i = 0; i < 300; i++) {
    await expectStatus('rating', desk.http.post(`/api/public/sessions/${session.code}/ratings`, { score: 1 + (i % 5), ...(i % 3 ? {} : { comment: '讲得清楚' }) }, { 'x-session-key': session.joinKey }), 201);
  }
  const samples = 10;
  const summary = await meter(desk, samples, 'read', () => expectStatus('summary', desk.http.get(`/api/sessions/${session.code}/summary`, desk.auth), 200));
  const dashboard = await meter(desk, samples, 'read', () => expectStatus('dashboard', desk.http.get(`/api/dashboard?sessionCode=${session.code}`, desk.auth), 200));
  const list = await meter(desk, samples, 'read', async () => {
    let cursor: string | undefined;
    do {
      const page = await expectStatus('list', desk.http.get(`/api/items?sessionCode=${session.code}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, desk.auth), 200);
      cursor = page.json<{ nextCursor?: string }>().nextCursor;
    } while (cursor);
  });
  options.log(`  300 items, 300 ratings: summary ${summary.medianMs} ms / ${summary.units} RCU, dashboard ${dashboard.medianMs} ms / ${dashboard.units} RCU, list ${list.medianMs} ms / ${list.units} RCU`);
  return {
    records: { entries: 100, rounds: options.rounds, medianMs: records.medianMs, writeUnits: records.units },
    reads: {
      items: 300,
      ratings: 300,
      summary: { medianMs: summary.medianMs, readUnits: summary.units },
      dashboard: { medianMs: dashboard.medianMs, readUnits: dashboard.units },
      list: { medianMs: list.medianMs, readUnits: list.units },
    },
  };
};
