import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server proxies the API to a running OpenClaw server (default http://127.0.0.1:5080; OPENCLAW_URL overrides),
// so `npm run dev` gives hot reload against real data. The production build is served by the server itself.
const api = process.env.OPENCLAW_URL ?? 'http://127.0.0.1:5080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    // No manual chunks: Monaco and the canvas are reachable only through the lazily loaded designer and run
    // pages, so the bundler already keeps them out of the first load (a manual Monaco chunk pulled shared helpers
    // into it and made the dashboard download all of Monaco).
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/metrics': api,
      '/health': api,
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
