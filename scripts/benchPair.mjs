// node scripts/benchPair.mjs <before dir> <after dir> [queue|board]: the SQLite path of two checkouts of this
// repository (`git worktree add --detach <dir> <commit>` + a node_modules link) measured side by side in ONE
// process, alternating before/after in pairs, so the machine's load drifts onto both alike. Prints CPU
// (user + system) per unit of work and after/before per pair; wall-clock figures are printed but move with
// the load. Nothing here asserts a timing.
//   queue: bench/queue.bench.ts's ourQueue() of each checkout (400 jobs, 8 callers submitting); CPU per job.
//   board: a 100,000-take season (40 shots of 2,500, test/support/boardSeed) per checkout; board.view of one
//          shot and a tag of one take, CPU per call.
// Knobs: PAIRS (default 8), JOBS (queue, at most 400), SHOTS/PER, VIEWS/TAGS (board, per round).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const [beforeDir, afterDir, what = 'queue'] = process.argv.slice(2);
if (!beforeDir || !afterDir || !['queue', 'board'].includes(what)) {
  console.error('usage: node scripts/benchPair.mjs <before checkout> <after checkout> [queue|board]');
  process.exit(2);
}
const trees = [resolve(beforeDir), resolve(afterDir)];
const PAIRS = Number(process.env.PAIRS ?? 8);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const wallMs = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'ct-bench-pair-'));

/** One side of a pair: returns named measures, each { cpu, wall } per unit. */
async function queueSide(tree, tag) {
  const { ourQueue } = await import(join(tree, 'bench/queue.bench.ts'));
  return async (round) => {
    const r = await ourQueue(join(dir, `${tag}-${round}`), Number(process.env.JOBS ?? 400));
    return { job: { cpu: r.cpuMs, wall: 1000 / r.rate } };
  };
}

async function boardSide(tree, tag) {
  const { createCore } = await import(join(tree, 'electron/core/createCore.ts'));
  const { createIds, silentLogger } = await import(join(tree, 'electron/core/nodePorts.ts'));
  const { seedManyTakes } = await import(join(tree, 'test/support/boardSeed.ts'));
  const SHOTS = Number(process.env.SHOTS ?? 40);
  const PER = Number(process.env.PER ?? 2500);
  const VIEWS = Number(process.env.VIEWS ?? 3);
  const TAGS = Number(process.env.TAGS ?? 30);
  const clock = { now: () => Date.now() };
  const core = createCore({ dataDir: mkdtempSync(join(dir, `${tag}-`)), appVersion: 'bench', isStrict: false }, { clock, ids: createIds(clock), logger: silentLogger, notifier: { notify: () => undefined } });
  const project = await core.projects.create('A season');
  const shots = [];
  for (let k = 0; k < SHOTS; k++) {
    const shotId = (await core.shots.create(project.id, `Shot ${k + 1}`)).id;
    shots.push({ shotId, takes: seedManyTakes(core.db.conn, { projectId: project.id, shotId, count: PER, idPrefix: `s${String(k).padStart(2, '0')}` }) });
  }
  let tagged = 0;
  const side = async (round) => {
    let c = cpuMs();
    let w = wallMs();
    for (let v = 0; v < VIEWS; v++) await core.board.view(project.id, shots[((round + 1) * VIEWS + v) % SHOTS].shotId);
    const view = { cpu: (cpuMs() - c) / VIEWS, wall: (wallMs() - w) / VIEWS };
    c = cpuMs();
    w = wallMs();
    for (let k = 0; k < TAGS; k++, tagged++) {
      const shot = shots[tagged % SHOTS];
      await core.board.tag([shot.takes[Math.floor(tagged / SHOTS) % PER]], k % 2 ? 'promising' : 'needs-fix', 'bench');
    }
    return { view, tag: { cpu: (cpuMs() - c) / TAGS, wall: (wallMs() - w) / TAGS } };
  };
  side.dispose = () => core.dispose();
  return side;
}

try {
  // Both checkouts' modules are loaded before anything is measured.
  const sides = [];
  for (const [i, t] of trees.entries()) sides.push(await (what === 'queue' ? queueSide : boardSide)(t, i === 0 ? 'before' : 'after'));
  for (const s of sides) await s(-1); // warm-up, not counted
  const got = [[], []];
  for (let p = 0; p < PAIRS; p++) {
    const order = p % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const load = loadavg()[0].toFixed(1);
      const r = await sides[i](p);
      got[i].push(r);
      console.log(`  pair ${p + 1} ${i === 0 ? 'before' : 'after '} load ${load.padStart(4)}  ${Object.entries(r).map(([k, v]) => `${k}: CPU ${v.cpu.toFixed(2)} ms, wall ${v.wall.toFixed(2)} ms`).join('   ')}`);
    }
  }
  for (const k of Object.keys(got[0][0])) {
    const ratios = got[1].map((r, p) => r[k].cpu / got[0][p][k].cpu);
    console.log(`  ${k}: CPU per ${k} before ${median(got[0].map((r) => r[k].cpu)).toFixed(2)} ms, after ${median(got[1].map((r) => r[k].cpu)).toFixed(2)} ms (medians); after/before per pair ${ratios.map((x) => x.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(2)}×`);
  }
  for (const s of sides) await s.dispose?.();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
