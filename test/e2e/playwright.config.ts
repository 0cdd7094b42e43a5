import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS, chromiumForTests } from '../../electron/host/chromium';

// UI tests in Chromium against the browser host, each test with its own host process and temp data dir
// (see hostProcess.ts). The browser comes from the one lookup `npm test` and `circletake doctor` share
// (electron/host/chromium.ts); `npm test` installs one first when none is found.
export const chromiumPath = chromiumForTests();

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './globalSetup.ts',
  outputDir: '../../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : 2,
  // One retry under CI, reported as flaky in the list (and counted in npm test's summary), never hidden.
  retries: process.env.CI ? 1 : 0,
  // `npm test` also asks for a JSON report, to count what passed, failed and was skipped in its summary line.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]] : [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [...CHROMIUM_ARGS],
    },
  },
});
