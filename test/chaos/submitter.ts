// A submitting process for the Q1 test: opens core on CT_DATA_DIR and submits local jobs with seeds
// from CT_FIRST_SEED up, one at a time, printing `ack <seed>` once each submit has returned (the
// acknowledgement a user sees). It never runs the queue; the parent SIGKILLs it right after an ack.
// CT_ACK_EARLY=1 is the negative control: it acknowledges *before* submitting, which loses jobs
// a kill lands on, so the parent can prove its harness notices a lost acknowledged job.
import { createCore } from '../../electron/core/createCore';
import { createNodePorts } from '../../electron/core/nodePorts';
import { submitRequest } from '../support/parsed';

const dataDir = process.env.CT_DATA_DIR;
if (!dataDir) throw new Error('CT_DATA_DIR is required');
const isEarly = process.env.CT_ACK_EARLY === '1';
const core = createCore({ dataDir, appVersion: 'q1', isStrict: true }, createNodePorts({ quiet: true }));
const conn = core.db.conn;
process.stdout.write(`db ${String(conn.pragma('journal_mode', { simple: true }))} ${String(conn.pragma('synchronous', { simple: true }))}\n`);

const ack = (seed: number) => new Promise<void>((resolve) => process.stdout.write(`ack ${seed}\n`, () => resolve()));

void (async () => {
  for (let seed = Number(process.env.CT_FIRST_SEED ?? 0); ; seed++) {
    const submit = () =>
      core.queue.submit(submitRequest({ params: { provider: 'local', model: 'gen4_turbo', durationSec: 5, ratio: '1280:720', prompt: 'a lighthouse keeper at dusk', seed }, projectName: 'Q1' }));
    if (isEarly) {
      await ack(seed);
      await new Promise((r) => setTimeout(r, 30));
      await submit();
    } else {
      await submit();
      await ack(seed);
    }
  }
})();
