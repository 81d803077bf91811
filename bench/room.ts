/**
 * The room (issue #11): what a proof of work costs each side, at the settings the stack runs with
 * (the default YIJIAN_CHALLENGE_COST unless the bench's environment sets one).
 *
 * - In the page: headless Chromium opens the form from the local stack and runs the page's own
 *   solver (the built web/src/lib/proof-worker.ts, altcha-lib's worker protocol) the way
 *   web/src/lib/room.ts drives it: a challenge from GET /api/challenge, min(4, hardwareConcurrency)
 *   workers racing on interleaved counters, the first solution wins. Timed from the challenge in
 *   hand to the solution, `proofs` times; the last proof is then sent with a submission, which must
 *   be 201 (the page's proof is one the server takes).
 * - On the server: the admission step's proof check (shared/services/room.ts admitPublicWrite, the
 *   header decoded, the signature and the signed derived key checked: two HMACs), in process, on
 *   proofs solved in Node; and the cost of issuing a challenge (one PBKDF2 derivation).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { ensureWebBuild, webDist } from '../local/pages';
import type { LocalStack } from '../local/stack';
import { encodeProof } from '../shared/domain/room';
import { admitPublicWrite, issueChallenge } from '../shared/services/room';
import { median, round } from './measure';

export interface RoomFigures {
  readonly cost: number;
  readonly solve: { readonly proofs: number; readonly workers: number; readonly medianMs: number; readonly p90Ms: number; readonly maxMs: number; readonly timesMs: number[]; readonly accepted: boolean };
  readonly verify: { readonly calls: number; readonly medianMicros: number };
  readonly issue: { readonly calls: number; readonly medianMicros: number };
}

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const percentile = (values: readonly number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

/**
 * What runs in the page, as text: tsx would decorate a function written here with helpers the
 * page does not have.
 */
const inPage = `async ({ workerUrl, count }) => {
  const workers = Math.min(4, Math.max(1, navigator.hardwareConcurrency || 1));
  const solveOnce = async (challenge) => {
    const pool = Array.from({ length: workers }, () => new Worker(workerUrl, { type: 'module' }));
    try {
      return await Promise.race(pool.map((worker, i) => new Promise((resolve, reject) => {
        worker.onmessage = (message) => (message.data && message.data.error ? reject(new Error(String(message.data.error))) : resolve(message.data));
        worker.onerror = (event) => reject(new Error(event.message));
        worker.postMessage({ type: 'work', challenge, counterStart: i, counterStep: workers });
      })));
    } finally {
      for (const worker of pool) worker.terminate();
    }
  };
  const times = [];
  let header = '';
  for (let i = 0; i < count; i++) {
    const challenge = await (await fetch('/api/challenge')).json();
    const started = performance.now();
    const solution = await solveOnce(challenge);
    times.push(performance.now() - started);
    header = btoa(JSON.stringify({ challenge, solution }));
  }
  return { times, header, workers };
}`;

/** Solves `proofs` challenges in the page with its own worker; the times (ms) and the last `X-Altcha`. */
const solveInPage = async (url: string, proofs: number) => {
  const workerFile = readdirSync(join(webDist, 'assets')).find((name) => /^proof-worker-.*\.js$/.test(name));
  if (!workerFile) throw new Error('no proof-worker asset in web/dist: the pages were not built with the room');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${url}/`);
    const args = JSON.stringify({ workerUrl: `/assets/${workerFile}`, count: proofs });
    return (await page.evaluate(`(${inPage})(${args})`)) as { times: number[]; header: string; workers: number };
  } finally {
    await browser.close();
  }
};

export const measureRoom = async (stack: LocalStack, options: { proofs: number; serverCalls: number; log: (line: string) => void }): Promise<RoomFigures> => {
  const { deps } = stack;
  await ensureWebBuild({ log: options.log });
  options.log(`room: ${options.proofs} proofs in Chromium at cost ${deps.settings.challengeCost}`);
  const page = await solveInPage(stack.url, options.proofs);
  const accepted = await fetch(`${stack.url}/api/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Altcha': page.header },
    body: JSON.stringify({ kind: 'question', title: '会场', body: '页面里解出的证明', anonymous: true }),
  });

  // The server's side, in process: issuing challenges, then checking proofs solved in Node.
  const issueTimes: number[] = [];
  const challenges: Challenge[] = [];
  for (let i = 0; i < Math.min(options.serverCalls, 50); i++) {
    const started = process.hrtime.bigint();
    challenges.push(await issueChallenge(deps));
    issueTimes.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  const headers: string[] = [];
  for (const challenge of challenges.slice(0, 10)) headers.push(encodeProof({ challenge, solution: (await solveChallenge({ challenge, deriveKey }))! }));
  // No address: the admission is then the proof check alone (and the spent proof's entry, built, never written).
  const verifyTimes: number[] = [];
  for (let i = 0; i < options.serverCalls; i++) {
    const started = process.hrtime.bigint();
    await admitPublicWrite(deps, { address: '', proof: headers[i % headers.length]! });
    verifyTimes.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return {
    cost: deps.settings.challengeCost,
    solve: {
      proofs: options.proofs,
      workers: page.workers,
      medianMs: round(median(page.times), 0),
      p90Ms: round(percentile(page.times, 0.9), 0),
      maxMs: round(Math.max(...page.times), 0),
      timesMs: page.times.map((t) => round(t, 0)),
      accepted: accepted.status === 201,
    },
    verify: { calls: options.serverCalls, medianMicros: round(median(verifyTimes), 0) },
    issue: { calls: issueTimes.length, medianMicros: round(median(issueTimes), 0) },
  };
};
