// npm test: tools (ffmpeg, ffprobe, a Chromium — installed when missing) → typecheck → lint → electronegativity
// → build → unit + integration (Vitest) → e2e (Playwright in Chromium) → Electron smoke (or a line saying why it
// was skipped). Stops at the first failing step and ends with one summary line of tests passed/failed/skipped.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import { root } from './electronEnv.mjs';

register();
const { ChromiumError, defaultInstallSteps, defaultLookup, ensureChromium } = await import('../electron/host/chromium.ts');
const { lookupBinary } = await import('../electron/core/media/ffmpeg/binaries.ts');

const isCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const node = process.execPath;
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const tsc = (project) => [node, [bin('typescript', 'bin/tsc'), '-p', project]];
const reports = join(root, 'test-results', 'summary');
const skipLog = join(reports, 'skips');

/** ffmpeg and ffprobe: under CI a missing one fails the run, elsewhere the suites that need it skip (and are counted). */
function tools() {
  for (const name of ['ffmpeg', 'ffprobe']) {
    const { found, tried } = lookupBinary(name);
    if (found) console.log(`${name}: ${found.path} (${found.source})`);
    else if (isCI) {
      console.log(`FAIL ${name} not found (tried ${tried.map((t) => t.source).join(', ')}): under CI=true the media suites may not skip. Install ffmpeg (apt-get install -y ffmpeg) or set CIRCLETAKE_${name.toUpperCase()}.`);
      return 1;
    } else console.log(`WARNING ${name} not found: the suites that need it will be skipped and counted below.`);
  }
  return 0;
}

/** A Chromium for the e2e suite: found, or installed, or one line naming the command to run. */
function browser() {
  try {
    const found = ensureChromium(defaultLookup(process.env), defaultInstallSteps());
    process.env.CIRCLETAKE_CHROMIUM = found.path;
    console.log(`browser: ${found.path} (${found.source}) ${found.version}`);
    return 0;
  } catch (e) {
    if (e instanceof ChromiumError) {
      console.log(`FAIL ${e.message}`);
      return 1;
    }
    throw e;
  }
}

const steps = [
  { name: 'tools', fn: tools },
  { name: 'browser', fn: browser },
  {
    name: 'typecheck',
    // Longest first (tests ~21 s alone), so the two lanes end together.
    parallel: ['tsconfig.test.json', 'tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.shared.json'].map(tsc),
  },
  // Exactly as strict as `npm run lint`: warnings fail the run.
  { name: 'lint', cmd: [node, [bin('eslint', 'bin/eslint.js'), '--max-warnings=0', '.']] },
  // Electronegativity through its API (its CLI exits 0 on findings); unwaived findings fail the run.
  { name: 'electronegativity', cmd: [node, [join(root, 'scripts', 'electronegativity.mjs')]] },
  { name: 'build', cmd: [node, [bin('electron-vite', 'bin/electron-vite.js'), 'build']] },
  {
    name: 'unit + integration',
    cmd: [node, [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'vitest.json')}`]],
  },
  { name: 'e2e (Chromium)', cmd: [node, [bin('@playwright/test', 'cli.js'), 'test', '-c', 'test/e2e/playwright.config.ts']], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'playwright.json') } },
  { name: 'electron smoke', cmd: [node, [join(root, 'test', 'electron', 'run.mjs')]] },
];

const only = process.argv.slice(2);
const run = ([cmd, args], extraEnv = {}) =>
  new Promise((resolve) => {
    const env = { ...process.env, FORCE_COLOR: isCI ? '0' : '1', CIRCLETAKE_SKIP_LOG: skipLog, ...extraEnv };
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('exit', (code) => resolve(code ?? 1));
  });

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const plain = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const firstLines = (text, n) => plain(text).split('\n').filter((l) => l.trim() !== '').slice(0, n).map((l) => `    ${l.slice(0, 240)}`);

/**
 * What failed and why, a few lines each, for the end of the log: a CI log is often read from its tail
 * only, and the runner's own report of the failure is far above it.
 */
function failures(v, p) {
  const out = [];
  for (const file of v?.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status !== 'failed') continue;
      out.push(`  ✗ ${file.name?.replace(process.cwd() + '/', '')} › ${t.fullName ?? t.title}`, ...firstLines((t.failureMessages ?? []).join('\n'), 8));
    }
    if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') out.push(`  ✗ ${file.name}`, ...firstLines(file.message, 8));
  }
  const walk = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected' && test.status !== 'flaky') continue;
        test.results?.forEach((r, i) => {
          if (r.status === 'passed' || r.status === 'skipped') return;
          const where = r.error?.location ? ` (line ${r.error.location.line})` : '';
          out.push(`  ${test.status === 'flaky' ? '~' : '✗'} ${[...trail, spec.title].join(' › ')} — try ${i + 1}: ${r.status}${where}`, ...firstLines(r.errors?.length ? r.errors.map((e) => e.message).join('\n') : r.error?.message, 12));
        });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...trail, child.title]);
  };
  for (const suite of p?.suites ?? []) walk(suite, [suite.title]);
  return out;
}

/** Tests passed/failed/skipped across Vitest and Playwright, the suites skipped for a missing tool, and the Electron smoke verdict. */
function summary() {
  const v = readJson(join(reports, 'vitest.json'));
  const p = readJson(join(reports, 'playwright.json'));
  const passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0) + (p?.stats?.flaky ?? 0);
  const failed = (v?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0);
  const skipped = (v?.numPendingTests ?? 0) + (v?.numTodoTests ?? 0) + (p?.stats?.skipped ?? 0);
  const lines = [];
  const skips = existsSync(skipLog)
    ? readdirSync(skipLog).flatMap((f) => readFileSync(join(skipLog, f), 'utf8').split('\n').filter(Boolean))
    : [];
  const unique = [...new Set(skips)];
  if (unique.length) lines.push(`skipped suites (${unique.length}): ${unique.join('; ')}`);
  const smoke = readJson(join(reports, 'electron-smoke.json'));
  if (smoke?.skipped) lines.push(`electron smoke suite: SKIPPED (${smoke.reason})`);
  const why = failures(v, p);
  if (why.length) lines.push('what failed or was retried:', ...why.slice(0, 60));
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return lines.join('\n');
}

rmSync(reports, { recursive: true, force: true });
mkdirSync(skipLog, { recursive: true });
const results = [];
let exit = 0;
for (const step of steps) {
  if (only.length > 0 && !only.some((o) => step.name.startsWith(o))) continue;
  const t0 = Date.now();
  console.log(`\n━━ ${step.name}`);
  let code = 0;
  if (step.fn) code = step.fn();
  else if (step.parallel) {
    // Two at a time: this machine has two cores.
    const queue = [...step.parallel];
    const worker = async () => {
      while (queue.length) code = Math.max(code, await run(queue.shift()));
    };
    await Promise.all([worker(), worker()]);
  } else code = await run(step.cmd, step.env);
  // A runner's exit code is not trusted alone: a library hooking process exit once turned a failed
  // Vitest run into exit 0. What the JSON report counts as failed fails the step too.
  if (code === 0 && step.name === 'unit + integration' && (readJson(join(reports, 'vitest.json'))?.numFailedTests ?? 0) > 0) code = 1;
  if (code === 0 && step.name.startsWith('e2e') && (readJson(join(reports, 'playwright.json'))?.stats?.unexpected ?? 0) > 0) code = 1;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  results.push(`${code === 0 ? 'ok  ' : 'FAIL'} ${step.name} (${secs} s)`);
  if (code !== 0) {
    exit = code;
    break;
  }
}
console.log(`\n${results.join('\n')}`);
console.log(summary());
process.exit(exit);
