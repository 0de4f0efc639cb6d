// The console in a real browser: Debian's Chromium (no browser is downloaded), against the
// stack at GUANJIA_CONSOLE_URL (tests/console starts one: `make test`).
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: 'tests/e2e',
  // tests/console gives each spec's run a folder of its own.
  outputDir: process.env.GUANJIA_PLAYWRIGHT_OUTPUT ?? 'test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.GUANJIA_CONSOLE_URL,
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 768 },
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.GUANJIA_CHROMIUM ?? '/usr/bin/chromium' },
  },
})
