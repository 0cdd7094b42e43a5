// npm test: typecheck → lint → electronegativity → build → unit + integration (Vitest) → e2e (Playwright in Chromium)
// → Electron smoke (or a line saying why it was skipped). Stops at the first failing step.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './electronEnv.mjs';

const node = process.execPath;
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const tsc = (project) => [node, [bin('typescript', 'bin/tsc'), '-p', project]];

const steps = [
  {
    name: 'typecheck',
    parallel: ['tsconfig.shared.json', 'tsconfig.node.json', 'tsconfig.main.json', 'tsconfig.renderer.json', 'tsconfig.test.json'].map(tsc),
  },
  { name: 'lint', cmd: [node, [bin('eslint', 'bin/eslint.js'), '.']] },
  // Electronegativity through its API (its CLI exits 0 on findings); unwaived findings fail the run.
  { name: 'electronegativity', cmd: [node, [join(root, 'scripts', 'electronegativity.mjs')]] },
  { name: 'build', cmd: [node, [bin('electron-vite', 'bin/electron-vite.js'), 'build']] },
  { name: 'unit + integration', cmd: [node, [bin('vitest', 'vitest.mjs'), 'run']] },
  { name: 'e2e (Chromium)', cmd: [node, [bin('@playwright/test', 'cli.js'), 'test', '-c', 'test/e2e/playwright.config.ts']] },
  { name: 'electron smoke', cmd: [node, [join(root, 'test', 'electron', 'run.mjs')]] },
];

const only = process.argv.slice(2);
const run = ([cmd, args]) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
    child.on('exit', (code) => resolve(code ?? 1));
  });

const results = [];
for (const step of steps) {
  if (only.length > 0 && !only.some((o) => step.name.startsWith(o))) continue;
  const t0 = Date.now();
  console.log(`\n━━ ${step.name}`);
  let code = 0;
  if (step.parallel) {
    // Two at a time: this machine has two cores.
    const queue = [...step.parallel];
    const worker = async () => {
      while (queue.length) code = Math.max(code, await run(queue.shift()));
    };
    await Promise.all([worker(), worker()]);
  } else code = await run(step.cmd);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  results.push(`${code === 0 ? 'ok  ' : 'FAIL'} ${step.name} (${secs} s)`);
  if (code !== 0) {
    console.log(`\n${results.join('\n')}`);
    process.exit(code);
  }
}
console.log(`\n${results.join('\n')}`);
