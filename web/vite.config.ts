import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The built files are served by src/http/web.ts under a strict CSP (no inline script or
 * style), so component CSS goes to .css files and nothing is inlined as a data: URI.
 */
export default defineConfig({
  root,
  plugins: [svelte({ emitCss: true })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Old phones run old browsers; es2020 keeps the bundle working on them.
    target: 'es2020',
    // CSS logical properties are kept as written (they follow `dir`); lowering them
    // would guess direction from :lang() instead and triple the stylesheet.
    cssTarget: ['chrome89', 'firefox78', 'safari14.1'],
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a server started with PORT=8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
