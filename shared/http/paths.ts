/**
 * API paths an answer names (a refused public write points at the challenge). Apart from
 * shared/routes.ts so that the problem mapping, which every function carries, does not carry the
 * whole route table with it (measured: about 6 KB of every bundle).
 */

/** Where a client fetches a proof-of-work challenge (the room: shared/services/room.ts). */
export const challengePath = '/api/challenge';
