/**
 * Imported first by local/main.ts, before any AWS SDK module: the SDK warns on Node.js 20 about
 * versions published after January 2027; the versions pinned in package-lock.json support it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
