// The Electronegativity gate (docs/reliability.md E1, issue 8): scans the Electron shell, the preload and
// the renderer through Electronegativity's API — its CLI exits 0 whatever it finds — and fails on any
// finding, of any severity, that is not waived with a reason in scripts/electronegativity-waivers.json.
// A waiver that no longer matches a finding fails too, so the file never outlives the code.
//
//   node scripts/electronegativity.mjs            # the npm test step
//   node scripts/electronegativity.mjs --sarif F  # also write the SARIF report to F
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));
export const repoRoot = resolve(here, '..');
/** What ships to users as Electron code: the shell, the bridge, the UI (core and host never touch Electron). */
export const SCANNED = ['electron/main', 'electron/utility', 'electron/preload', 'renderer', 'package.json'];
export const WAIVERS_FILE = join(repoRoot, 'scripts', 'electronegativity-waivers.json');
const MIN_REASON = 30;

/** Copies what is scanned into one folder (Electronegativity takes one input), skipping tests. */
function stage(root, paths) {
  const dir = mkdtempSync(join(tmpdir(), 'ct-eng-'));
  for (const p of paths) {
    if (!existsSync(join(root, p))) continue;
    cpSync(join(root, p), join(dir, p), { recursive: true, filter: (src) => !/\.(test|spec)\.tsx?$/.test(src) });
  }
  return dir;
}

export function loadWaivers(file = WAIVERS_FILE) {
  const w = JSON.parse(readFileSync(file, 'utf8'));
  return { excludedChecks: w.excludedChecks ?? [], waivers: w.waivers ?? [] };
}

/**
 * Runs the scan and judges it. Returns { ok, problems: string[], findings, waived }.
 * `root` and `paths` let the test point it at a fixture.
 */
export async function runGate({ root = repoRoot, paths = SCANNED, waivers = loadWaivers(), sarif = null } = {}) {
  const problems = [];
  for (const list of [waivers.excludedChecks, waivers.waivers]) {
    for (const w of list) if (typeof w.reason !== 'string' || w.reason.trim().length < MIN_REASON) problems.push(`waiver ${JSON.stringify(w)} needs a reason of at least ${MIN_REASON} characters`);
  }
  const input = stage(root, paths);
  const run = require('@doyensec/electronegativity');
  const quiet = console.log;
  let result;
  try {
    console.log = () => undefined; // it prints translation and release-fetch chatter
    result = await (run.default ?? run)({
      input,
      output: sarif,
      isSarif: sarif !== null,
      isRelative: true,
      customScan: [],
      excludeFromScan: waivers.excludedChecks.map((c) => c.check),
      parserPlugins: [],
      electronVersionOverride: JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies.electron.replace(/^[^\d]*/, ''),
    });
  } finally {
    console.log = quiet;
    rmSync(input, { recursive: true, force: true });
  }
  for (const e of result.errors) if (!e.tolerable) problems.push(`could not parse ${e.file}: ${e.message}`);
  const findings = result.issues.map((i) => ({
    id: i.id,
    file: String(i.file).replace(/\\/g, '/').replace(/^\.?\//, ''),
    line: i.location?.line ?? 0,
    severity: i.severity?.name ?? String(i.severity?.value),
    description: i.description,
  }));
  const matches = (w, f) => w.id === f.id && (w.file === undefined || w.file === f.file);
  const waived = [];
  for (const f of findings) {
    if (waivers.waivers.some((w) => matches(w, f))) waived.push(f);
    else problems.push(`${f.id} (${f.severity}) at ${f.file}:${f.line} — ${f.description} Fix it, or waive it with a reason in scripts/electronegativity-waivers.json.`);
  }
  for (const w of waivers.waivers) if (!findings.some((f) => matches(w, f))) problems.push(`stale waiver: ${w.id}${w.file ? ` in ${w.file}` : ''} matches no finding any more; remove it`);
  return { ok: problems.length === 0, problems, findings, waived, checks: result.globalChecks + result.atomicChecks };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--sarif');
  const r = await runGate({ sarif: i > 0 ? resolve(process.argv[i + 1]) : null });
  for (const f of r.waived) console.log(`waived  ${f.id} at ${f.file}:${f.line}`);
  for (const p of r.problems) console.error(`FAIL    ${p}`);
  console.log(`Electronegativity: ${r.checks} checks over ${SCANNED.join(', ')}; ${r.findings.length} finding(s), ${r.waived.length} waived, ${r.problems.length} problem(s).`);
  process.exit(r.ok ? 0 : 1);
}
