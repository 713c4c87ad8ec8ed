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
    // React, React Router, TanStack Query and i18next make the main chunk ~600 kB (~190 kB gzipped); the charts load with the dashboard.
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
