import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Who may run the queue's jobs in this process. */
export interface RunnerLock {
  /**
   * True for a data dir's single runner (SQLite): jobs left running at start were this lock's dead holder's
   * and are recovered at once. False for a shared queue (PostgreSQL): other live workers hold running
   * jobs, and only leases that ran out are taken over.
   */
  readonly isExclusive: boolean;
  tryAcquire(): boolean;
  holder(): number | null;
  readonly isHeld: boolean;
  release(): void;
}

/** A studio's workers (PostgreSQL): any number run at once, each claiming with SKIP LOCKED under fenced leases. */
export class SharedRunner implements RunnerLock {
  readonly isExclusive = false;
  private held = false;

  tryAcquire(): boolean {
    this.held = true;
    return true;
  }

  holder(): number | null {
    return this.held ? process.pid : null;
  }

  get isHeld(): boolean {
    return this.held;
  }

  release(): void {
    this.held = false;
  }
}

/**
 * One queue runner per data dir. The lock file holds the runner's pid; a lock left by a process that
 * is gone (a crash, a SIGKILL) is taken over, and the jobs it left running are recovered at once.
 * Other processes on the same data dir (a CLI `submit` beside the app) submit and read, but leave
 * the running to the lock holder.
 */
export class QueueLock implements RunnerLock {
  readonly isExclusive = true;
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
