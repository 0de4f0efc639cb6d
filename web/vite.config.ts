/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// The gateway serves the built console from its own origin; `npm run dev` proxies the API
// to a running stack (GUANJIA_GATEWAY_URL, else `make run`'s gateway).
const gateway = process.env.GUANJIA_GATEWAY_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/public', '/.well-known', '/openapi.json'].map((path) => [path, gateway]),
    ),
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/unit/**/*.test.ts'],
  },
})
