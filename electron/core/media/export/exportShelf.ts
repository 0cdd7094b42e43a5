import { createReadStream } from 'node:fs';
import { readdir, realpath, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../../../shared/errors';
import type { ObjectBackend } from '../store/backend/objectBackend';

/**
 * Where a member's named export lives once it is made (`export.run` from any session but the machine
 * owner's names an export instead of a folder, electron/core/policy/roleScope.ts), and where
 * `GET /exports/<name>/<file>` reads it from.
 *
 * - On this machine's folders (a desktop, a browser host): `<dataDir>/exports/<name>`, as written.
 * - On a studio whose clips live in a bucket: the export is written to `<dataDir>/exports/<name>` as a
 *   staging folder, then each file is put in the bucket under `release/exports/<name>/<file>` and the
 *   folder is removed. Any studio process behind the load balancer serves it; none keeps it.
 *   (The release class's namespace: content-addressed clips there are `<sha256>.<ext>`, never under
 *   `exports/`, and the orphan sweeps delete only the keys they are given.)
 */
export interface ExportShelf {
  readonly kind: 'folder' | 'bucket';
  /** Files of the export `name` already kept (a repeat of the name is refused with these). */
  clashes(name: string, files: readonly string[]): Promise<string[]>;
  /** After the export wrote `dir`: keep it where every process can serve it. */
  keep(name: string, dir: string, signal?: AbortSignal): Promise<void>;
  /** One file of a kept export, or null (unknown name or file). */
  open(name: string, file: string): Promise<{ sizeBytes: number; stream: () => Promise<Readable> } | null>;
}

const EXPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$/;

/** A member's export name: one plain name (letters, digits, space, . _ -), never a path. */
export const isExportName = (name: string): boolean => EXPORT_NAME.test(name) && !name.includes('..');

/** One plain file name an export writes (a take, sequence.mp4, manifest.json). */
const EXPORT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,199}$/;
export const isExportFileName = (f: string): boolean => EXPORT_FILE_NAME.test(f) && !f.includes('..');

const CONTENT_TYPES: Record<string, string> = { mp4: 'video/mp4', mov: 'video/quicktime', json: 'application/json; charset=utf-8' };
export const exportContentType = (file: string): string => CONTENT_TYPES[file.slice(file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';

/** The folders under the data dir: kept as written. A symlink planted there serves nothing. */
export function folderShelf(exportsRoot: string): ExportShelf {
  return {
    kind: 'folder',
    async clashes(name, files) {
      const out: string[] = [];
      for (const f of files) if (await stat(join(exportsRoot, name, f)).then((s) => s.isFile(), () => false)) out.push(f);
      return out;
    },
    keep: async () => undefined,
    async open(name, file) {
      if (!isExportFileName(file)) return null;
      try {
        const root = await realpath(exportsRoot);
        const real = await realpath(join(exportsRoot, name, file));
        const s = await stat(real);
        if (!real.startsWith(root + sep) || !s.isFile()) return null;
        return { sizeBytes: s.size, stream: async () => createReadStream(real) };
      } catch {
        return null;
      }
    },
  };
}

const keyOf = (name: string, file: string) => `exports/${name}/${file}`;
const MANIFEST = 'manifest.json';

/** The studio's bucket: every process serves every export; the staging folder is removed once stored. */
export function bucketShelf(backend: ObjectBackend): ExportShelf {
  const isComplete = async (name: string) => (await backend.head('release', keyOf(name, MANIFEST))) !== null;
  return {
    kind: 'bucket',
    async clashes(name, files) {
      // Without its manifest an export never finished (its cleanup failed too): it is overwritten, not kept.
      if (!(await isComplete(name))) return [];
      const out: string[] = [];
      for (const f of files) if (await backend.head('release', keyOf(name, f))) out.push(f);
      return out;
    },
    async keep(name, dir, signal) {
      const files = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isExportFileName(e.name)).map((e) => e.name);
      // The manifest last: an export whose manifest is in the bucket is complete.
      const order = [...files.filter((f) => f !== MANIFEST), ...files.filter((f) => f === MANIFEST)];
      const stored: string[] = [];
      try {
        for (const f of order) {
          const staged = await backend.stage('release', join(dir, f), signal);
          try {
            await staged.commit(keyOf(name, f), exportContentType(f), signal);
            stored.push(keyOf(name, f));
          } finally {
            await staged.discard();
          }
        }
      } catch (e) {
        // All or nothing: what went up comes down again, and the error says nothing was kept.
        await backend.deleteMany('release', stored).catch(() => undefined);
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
        if (e instanceof AppError && e.code === 'CANCELLED') throw e;
        throw new AppError('IO_FAILED', `The export "${name}" could not be stored in the studio's bucket (${e instanceof Error ? e.message : String(e)}); nothing was kept. Export again.`, {
          field: 'toDir',
          reason: 'store',
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
    async open(name, file) {
      if (!isExportFileName(file) || !(await isComplete(name).catch(() => false))) return null;
      const head = await backend.head('release', keyOf(name, file)).catch(() => null);
      if (!head) return null;
      return { sizeBytes: head.sizeBytes, stream: () => backend.get('release', keyOf(name, file)) };
    },
  };
}
