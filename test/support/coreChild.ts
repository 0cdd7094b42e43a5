// The core process as a plain Node child, standing in for Electron's utilityProcess where its binary is
// missing: the same electron/utility/coreService, spoken to over Node's IPC channel (forked with
// serialization 'advanced', so messages are structured clones as on process.parentPort).
// Usage: forkCore() (test/support/forkCore.ts).
import { serveCore } from '../../electron/utility/coreService';
import type { CoreToMain, MainToCore, Wire } from '../../electron/utility/protocol';

const wire: Wire<MainToCore, CoreToMain> = {
  post: (msg) => void process.send!(msg),
  listen(cb) {
    const l = (m: unknown) => cb(m as MainToCore);
    process.on('message', l);
    return () => process.off('message', l);
  },
};
serveCore(wire, { exit: () => setImmediate(() => process.exit(0)) });
