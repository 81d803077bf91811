/**
 * The page paths that are not files, for the local page server (local/pages.ts) and the deployed
 * page rewrite (infra/site-edge-functions.ts) alike: `/s/<code>` is a training session's page
 * (its join key rides in the fragment, which never reaches a server). One path segment of code
 * characters, any case (the API reads codes forgivingly), a trailing slash allowed.
 */
export const sessionPagePattern = /^\/s\/[0-9A-Za-z-]{1,64}\/?$/;
export const sessionPageFile = 'session.html';
