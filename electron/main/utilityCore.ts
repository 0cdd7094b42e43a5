import { utilityProcess } from 'electron';
import type { CoreToMain, MainToCore } from '../utility/protocol';
import type { CoreProcessHandle } from './supervisedCore';

/**
 * Starts the core as an Electron utilityProcess (out/main/core.js, built from electron/utility/index.ts)
 * and speaks electron/utility/protocol.ts with it over its parentPort. Its stdout/stderr are the app's
 * (the core logs JSON lines on stderr). Electron-only: everything above it (SupervisedCore) runs under Node.
 */
export function spawnUtilityCore(entry: string): CoreProcessHandle {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Circle Take core', stdio: 'inherit' });
  return {
    wire: {
      post: (msg: MainToCore) => child.postMessage(msg),
      listen(cb: (msg: CoreToMain) => void) {
        const l = (m: unknown) => cb(m as CoreToMain);
        child.on('message', l);
        return () => child.off('message', l);
      },
    },
    onExit: (cb) => child.once('exit', (code) => cb(`exit code ${code}`)),
    kill: () => child.kill(),
  };
}
