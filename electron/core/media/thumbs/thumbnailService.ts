import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors';
import type { ArtifactClass } from '../../../../shared/money/params';
import type { Logger } from '../../ports';
import { thumbnailFrameArgs } from '../ffmpeg/args';
import { probeFile } from '../ffmpeg/probe';
import type { FfmpegRunner } from '../ffmpeg/runner';
import { Limiter } from '../limiter';
import { loadSharp } from '../loadSharp';
import type { StoredArtifact } from '../store/artifact';
import { ensureDir } from '../store/fileOps';
import { insideRoot, type MediaStore } from '../store/mediaStore';
import { THUMBS_DIR } from '../store/storeLayout';
import { spriteLayout, type SpriteMeta } from './spriteLayout';

/**
 * Poster and scrub sprite per take: WebP, made once, cached by content hash under
 * `{class}/.thumbs/{sha256}.{poster,sprite}.webp` (+ `.json` with the sprite geometry, written last,
 * so a half-made set is never served). One ffmpeg decode pulls the frames; sharp (libvips threads,
 * off the JS thread) encodes them. At most `concurrency` sets are made at once; concurrent asks for
 * the same content share one run. Thumbnails outlive retention: the board keeps a poster of a swept take.
 */
export interface ThumbnailOptions {
  runner: FfmpegRunner;
  store: MediaStore;
  logger: Logger;
  concurrency?: number;
  frames?: number;
  columns?: number;
  frameWidth?: number;
  posterWidth?: number;
  tmpDir?: string;
}

export interface ThumbnailSet extends SpriteMeta {
  artifactId: string;
  posterFile: string;
  spriteFile: string;
}

export type ThumbKind = 'poster' | 'sprite';

export class ThumbnailService {
  private readonly pool: Limiter;
  private readonly inflight = new Map<string, Promise<SpriteMeta>>();

  constructor(private readonly opts: ThumbnailOptions) {
    this.pool = new Limiter(opts.concurrency ?? 1);
  }

  /** The cached set, made first if needed. */
  async forArtifact(a: StoredArtifact, signal?: AbortSignal): Promise<ThumbnailSet> {
    const dir = this.dirOf(a.class);
    const files = { posterFile: join(dir, `${a.sha256}.poster.webp`), spriteFile: join(dir, `${a.sha256}.sprite.webp`) };
    const metaFile = join(dir, `${a.sha256}.json`);
    const cached = readMeta(metaFile);
    if (cached && existsSync(files.posterFile) && existsSync(files.spriteFile)) return { artifactId: a.id, ...files, ...cached };

    const key = `${a.class}:${a.sha256}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.pool.run(() => this.make(a, dir, files, metaFile, signal), signal).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return { artifactId: a.id, ...files, ...(await p) };
  }

  /** For the media routes: the poster or sprite file of an artifact, only if already made and inside its class root. */
  resolveFile(a: StoredArtifact, kind: ThumbKind, cls?: ArtifactClass): { file: string; contentType: string } | null {
    if (cls && a.class !== cls) return null;
    if (!/^[0-9a-f]{64}$/.test(a.sha256)) return null;
    const file = insideRoot(this.opts.store.rootOf(a.class), join(this.dirOf(a.class), `${a.sha256}.${kind}.webp`));
    return file ? { file, contentType: 'image/webp' } : null;
  }

  dispose(): void {
    this.pool.dispose();
  }

  private dirOf(cls: ArtifactClass): string {
    return join(this.opts.store.rootOf(cls), THUMBS_DIR);
  }

  private make(a: StoredArtifact, dir: string, out: { posterFile: string; spriteFile: string }, metaFile: string, signal?: AbortSignal): Promise<SpriteMeta> {
    return this.opts.store.withLocalFile(a, (file) => this.makeFrom(file, a, dir, out, metaFile, signal));
  }

  private async makeFrom(file: string, a: StoredArtifact, dir: string, out: { posterFile: string; spriteFile: string }, metaFile: string, signal?: AbortSignal): Promise<SpriteMeta> {
    const probe = await probeFile(this.opts.runner, file, signal);
    if (!probe.video) throw new AppError('MEDIA_UNSUPPORTED', `${a.id} has no video stream to make thumbnails from.`, { id: a.id });
    const duration = probe.video.durationSec ?? probe.durationSec ?? 1;
    const frames = this.opts.frames ?? 10;
    const work = await mkdtemp(join(this.opts.tmpDir ?? tmpdir(), 'ct-thumbs-'));
    try {
      await this.opts.runner.run({
        args: thumbnailFrameArgs({
          file,
          durationSec: duration,
          frames,
          frameWidth: this.opts.frameWidth ?? 160,
          framePattern: join(work, 'f%03d.png'),
          posterAtSec: Math.min(duration * 0.25, Math.max(0, duration - 0.1)),
          posterWidth: Math.min(this.opts.posterWidth ?? 640, probe.video.width),
          posterFile: join(work, 'poster.png'),
        }),
        purpose: 'thumbnails',
        timeoutMs: 120_000,
        ...(signal ? { signal } : {}),
      });
      const frameFiles = (await readdir(work)).filter((f) => /^f\d{3}\.png$/.test(f)).sort();
      if (frameFiles.length === 0 || !existsSync(join(work, 'poster.png'))) {
        throw new AppError('MEDIA_UNSUPPORTED', `No frames could be taken from ${a.id} for its thumbnails.`, { id: a.id });
      }
      const sharp = await loadSharp();
      const first = await sharp(join(work, frameFiles[0]!)).metadata();
      const meta = spriteLayout(frameFiles.length, this.opts.columns ?? 5, first.width ?? 160, first.height ?? 90, duration);
      const tiles = await Promise.all(frameFiles.map((f) => readFile(join(work, f))));
      const sprite = await sharp({
        create: { width: meta.columns * meta.frameWidth, height: meta.rows * meta.frameHeight, channels: 3, background: { r: 0, g: 0, b: 0 } },
        limitInputPixels: 8192 * 8192,
      })
        .composite(tiles.map((input, i) => ({ input, left: (i % meta.columns) * meta.frameWidth, top: Math.floor(i / meta.columns) * meta.frameHeight })))
        .webp({ quality: 70 })
        .toBuffer();
      const poster = await sharp(join(work, 'poster.png'), { limitInputPixels: 4096 * 4096 }).webp({ quality: 80 }).toBuffer();

      await ensureDir(dir);
      await writeAtomic(out.posterFile, poster);
      await writeAtomic(out.spriteFile, sprite);
      await writeAtomic(metaFile, JSON.stringify(meta));
      this.opts.logger.log('debug', 'thumbnails made', { id: a.id, frames: meta.frames });
      return meta;
    } finally {
      await rm(work, { recursive: true, force: true }).catch((e: unknown) => this.opts.logger.log('warn', 'could not remove a thumbnail temp folder', { error: String(e) }));
    }
  }
}

/** Cache files are regenerable: temp + rename (no fsync) so readers never see half a file. */
async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.partial`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

function readMeta(file: string): SpriteMeta | null {
  try {
    if (!existsSync(file)) return null;
    const m = JSON.parse(readFileSync(file, 'utf8')) as SpriteMeta;
    return Number.isInteger(m.frames) && Number.isInteger(m.columns) && Number.isInteger(m.rows) && m.intervalSec > 0 ? m : null;
  } catch {
    return null; // a damaged cache entry is simply made again
  }
}
