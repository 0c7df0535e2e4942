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
    rollupOptions: {
      output: {
        // Monaco is large and changes rarely: its own chunk keeps the app's chunk small and separately cached.
        manualChunks(id: string) {
          if (id.includes('node_modules/monaco-editor')) return 'monaco';
          if (id.includes('node_modules/@xyflow')) return 'xyflow';
          if (id.includes('node_modules/react')) return 'react';
          return undefined;
        },
      },
    },
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
