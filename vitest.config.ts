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
    // Each fork runs file after file without a fresh process and module graph per file: a full run on this
    // machine took 548 s instead of 664 s (imports summed 49 s instead of 167 s, CPU 920 s instead of 1,188 s).
    // It holds because no test leaves process state behind: no vi.mock, no process.env or cwd changes
    // (fake timers and stubbed globals are undone in the file that sets them).
    isolate: false,
    // Generous: integration tests spawn the CLI and ffmpeg, and 2 cores may be shared with other work.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
