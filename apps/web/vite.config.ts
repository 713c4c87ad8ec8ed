import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// No @vitejs/plugin-react: its Babel clashes with Jest's. Vite's own Oxc transform compiles JSX.
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Each page is its own chunk (app.tsx); the shell (React, React Router, TanStack Query, i18next) loads first, the charts with the dashboard.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      // TanStack Query marks its hooks "use client" for server-component bundlers; a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000', '/health': 'http://localhost:3000', '/docs': 'http://localhost:3000' },
  },
});
