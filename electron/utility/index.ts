import { serveCore } from './coreService';
import { eventPortWire, type CoreToMain, type EventPortLike, type MainToCore } from './protocol';

// The utilityProcess entry (electron.vite.config.ts builds it as out/main/core.js): the core runs here,
// off Electron main's thread, speaking electron/utility/protocol.ts over process.parentPort.
const parentPort = (process as unknown as { parentPort?: EventPortLike }).parentPort;
if (!parentPort) {
  process.stderr.write('electron/utility/index.ts runs as an Electron utilityProcess (process.parentPort is missing).\n');
  process.exit(2);
}
serveCore(eventPortWire<MainToCore, CoreToMain>(parentPort), { exit: () => setImmediate(() => process.exit(0)) });
