import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One queue runner per data dir. The lock file holds the runner's pid; a lock left by a process that
 * is gone (a crash, a SIGKILL) is taken over, and the jobs it left running are recovered at once.
 * Other processes on the same data dir (a CLI `submit` beside the app) submit and read, but leave
 * the running to the lock holder.
 */
export class QueueLock {
  private held = false;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'queue.lock');
  }

  tryAcquire(): boolean {
    for (let i = 0; i < 3; i++) {
      try {
        const fd = openSync(this.file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.held = true;
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = this.holder();
        if (holder === process.pid) {
          this.held = true;
          return true;
        }
        if (holder !== null && isAlive(holder)) return false;
        rmSync(this.file, { force: true });
      }
    }
    return false;
  }

  holder(): number | null {
    try {
      const pid = Number(readFileSync(this.file, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  get isHeld(): boolean {
    return this.held;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.holder() === process.pid) rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
