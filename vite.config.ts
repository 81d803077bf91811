import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web pages (web/): a multi-page build with Preact, no framework plugin needed (oxc compiles
 * the JSX). Output in web/dist, served locally by local/pages.ts and deployed behind CloudFront.
 * The pages run under a strict CSP (script-src 'self', style-src 'self'), so nothing may be
 * inlined into the HTML: no modulepreload polyfill, CSS always as files.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./web'),
  base: '/',
  publicDir: here('./web/public'),
  clearScreen: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  },
  // The proof-of-work solver (web/src/lib/proof-worker.ts) is a module worker: a file of its own under script-src 'self'.
  worker: { format: 'es' },
  build: {
    outDir: here('./web/dist'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into JS or CSS (img-src allows data:, but keep it simple).
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        index: here('./web/index.html'),
        track: here('./web/track.html'),
        answers: here('./web/answers.html'),
        session: here('./web/session.html'),
        console: here('./web/console.html'),
        404: here('./web/404.html'),
      },
    },
  },
  server: {
    // `npx vite` for page work: the API comes from `npm start` on port 3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
