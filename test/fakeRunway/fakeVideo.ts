import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FFMPEG_FIX, lookupBinary } from '../../electron/core/media/ffmpeg/binaries';

const run = promisify(execFile);

/**
 * Real, tiny H.264 MP4s for the fake's outputs: the requested ratio scaled down ten times and the
 * requested duration, made with ffmpeg on first use and cached for the process.
 */
export class FakeVideos {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ct-fake-runway-'));
  private readonly made = new Map<string, Promise<string>>();

  /** Path of an MP4 for "1280:720" at `seconds`. */
  file(ratio: string, seconds: number): Promise<string> {
    const key = `${ratio}@${seconds}`;
    let p = this.made.get(key);
    if (!p) {
      p = this.make(ratio, seconds);
      this.made.set(key, p);
      p.catch(() => this.made.delete(key));
    }
    return p;
  }

  async bytes(ratio: string, seconds: number): Promise<Buffer> {
    return readFileSync(await this.file(ratio, seconds));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async make(ratio: string, seconds: number): Promise<string> {
    const ffmpeg = lookupBinary('ffmpeg').found;
    if (!ffmpeg) throw new Error(`The fake Runway needs ffmpeg to make its outputs. ${FFMPEG_FIX}`);
    const [w, h] = ratio.split(':').map((n) => Math.max(16, Math.round(Number(n) / 20) * 2));
    const out = join(this.dir, `${ratio.replace(':', 'x')}_${seconds}s.mp4`);
    if (existsSync(out)) return out;
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${w}x${h}:rate=12:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out];
    await run(ffmpeg.path, args, { timeout: 60_000 });
    return out;
  }
}
