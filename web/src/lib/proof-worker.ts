/**
 * A Web Worker that solves ALTCHA challenges with altcha-lib's own worker protocol (driven by
 * solveChallengeWorkers in ./room.ts), deriving keys with WebCrypto's PBKDF2 (the browser build of
 * the algorithm the server issues: shared/services/room.ts).
 */
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import { handler } from 'altcha-lib/workers/shared';

handler({ deriveKey });
