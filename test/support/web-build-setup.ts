import { ensureWebBuild } from '../../local/pages';

/**
 * Builds the pages once per run (only if their sources changed), before any file serves them:
 * the browser tests load them, and the local-stack tests ask `npm start` for the form page.
 */
export async function setup() {
  await ensureWebBuild();
}
