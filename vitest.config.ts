import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'test/integration/**/*.test.ts',
      'test/lint/**/*.test.ts',
    ],
    environment: 'node',
    // One throwaway PostgreSQL for the suites that run on both engines (test/support/engines.ts), and one
    // bundle of the CLI that the integration suites spawn (test/support/cliBundle.ts).
    globalSetup: ['test/support/pgGlobalSetup.ts', 'test/support/cliBundle.ts'],
    pool: 'forks',
    // Two forks on two cores (the default would be one): many files spend their time waiting on child
    // processes, ffmpeg, PostgreSQL and HTTP servers, so the second fork roughly halves the wall time.
    maxWorkers: 2,
    // Generous: integration tests spawn the CLI and ffmpeg, and 2 cores may be shared with other work.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
