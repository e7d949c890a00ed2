import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The local console: a static single-page app the local gateway serves at /console/. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything from 127.0.0.1: no inlined data URLs needed, no external hosts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
