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
    // The hashed bundles go under /static: /assets/... are the console's own routes (the
    // property register), which the gateway answers with index.html.
    assetsDir: 'static',
    // dist/.vite/manifest.json: which chunk each route and entry needs (bench/console.py).
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    // The session's tests call a real gateway (tests/console starts one): the page's
    // origin is then the gateway's, as when the gateway serves the console.
    environmentOptions: { jsdom: { url: process.env.GUANJIA_CONSOLE_URL ?? 'http://localhost:3000/' } },
    include: ['tests/unit/**/*.test.ts'],
    // One jsdom and one import of Vue and Element Plus for all files, not one per file: 3 s
    // instead of 30 on two cores. The files share their modules (each test makes its own
    // stores; the two that change a module's state, the API client's hooks and the server
    // clock's offset, set it before each test or put it back after).
    isolate: false,
  },
})
