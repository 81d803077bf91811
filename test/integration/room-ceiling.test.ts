import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/stack';
import { solveProof } from '../support/proof';

/**
 * The room's ceiling (YIJIAN_ROOM_LIMIT) with small limits: 3 writes per address and window without
 * a proof, 6 in all with proofs. The environment is set before any handler module is loaded.
 */
process.env.YIJIAN_CHALLENGE_COST = '1';
process.env.YIJIAN_RATE_LIMIT = '3/600';
process.env.YIJIAN_ROOM_LIMIT = '6/600';

const files = useTestStack();

const submission = (title: string) => ({ kind: 'suggestion', title, body: '教室的上限', anonymous: true });

describe('the room ceiling (YIJIAN_RATE_LIMIT=3/600, YIJIAN_ROOM_LIMIT=6/600)', () => {
  it('lets proofs through up to the ceiling, then answers 429 room-limit without a challenge, and spends no proof it refused', async () => {
    // 40 s before a window ends: the refused proof is tried again in the next window, before it expires.
    const windowStart = Math.ceil(Date.now() / 600_000) * 600;
    files.stack.clock.set(new Date((windowStart + 560) * 1000));
    for (let i = 0; i < 3; i++) expect((await files.http.post('/api/submissions', submission(`无证明 ${i}`))).status).toBe(201);
    const plain = await files.http.post('/api/submissions', submission('无证明 3'));
    expect(plain.status).toBe(429);
    expect(plain.json).toMatchObject({ type: expect.stringMatching(/rate-limited$/), challenge: '/api/challenge' });
    for (let i = 0; i < 3; i++) expect((await files.http.post('/api/submissions', submission(`有证明 ${i}`), { 'X-Altcha': await solveProof(files.http) })).status).toBe(201);
    const proof = await solveProof(files.http);
    const full = await files.http.post('/api/submissions', submission('有证明 3'), { 'X-Altcha': proof });
    expect(full.status).toBe(429);
    expect(full.json.type).toMatch(/room-limit$/);
    expect(full.json.challenge).toBeUndefined();
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(full.headers.get('retry-after'))).toBeLessThanOrEqual(40);
    // Without a proof, at the ceiling: a proof would not help, so no challenge is offered either.
    const plainAtCeiling = await files.http.post('/api/submissions', submission('无证明 4'));
    expect(plainAtCeiling.status).toBe(429);
    expect(plainAtCeiling.json.type).toMatch(/room-limit$/);
    // In the next window the refused proof is still unspent.
    files.stack.clock.set(new Date((windowStart + 601) * 1000));
    expect((await files.http.post('/api/submissions', submission('有证明 3'), { 'X-Altcha': proof })).status).toBe(201);
    files.stack.clock.set(null);
  });
});
