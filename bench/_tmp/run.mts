import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ourQueue } from '/work/main/bench/queue.bench.ts';
const dir = mkdtempSync(join(tmpdir(), 'qprof-'));
for (let i = 0; i < 6; i++) console.log(await ourQueue(join(dir, 'run' + i), 380));
