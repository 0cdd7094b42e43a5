// The core process for SupervisedCore, as a plain Node child (test/support/coreChild.ts, run through tsx)
// standing in for Electron's utilityProcess: one way to start it, for the tests and the benches.
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { CoreProcessHandle } from '../../electron/main/supervisedCore';
import type { CoreToMain, MainToCore } from '../../electron/utility/protocol';

const root = resolve(import.meta.dirname, '../..');

/** Forks `entry` (a path from the repository root) and wraps it as the handle SupervisedCore's `spawn` returns. */
export function forkCore(entry = 'test/support/coreChild.ts'): { child: ChildProcess; handle: CoreProcessHandle } {
  const child = fork(join(root, entry), [], { cwd: root, execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const handle: CoreProcessHandle = {
    wire: {
      post: (msg: MainToCore) => void (child.connected && child.send(msg)),
      listen(cb: (msg: CoreToMain) => void) {
        const l = (m: unknown) => cb(m as CoreToMain);
        child.on('message', l);
        return () => child.off('message', l);
      },
    },
    onExit: (cb) => child.once('exit', (code, signal) => cb(signal ? `signal ${signal}` : `exit code ${code}`)),
    kill: () => child.kill('SIGKILL'),
  };
  return { child, handle };
}
