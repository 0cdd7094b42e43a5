import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { ArtifactClass } from '../../../shared/money/params';
import type { Db } from '../db/db';
import type { PgEngine } from '../db/engine/pgEngine';
import { casKey, type ObjectBackend } from '../media/store/backend/objectBackend';
import { contentTypeOf, EXTENSIONS, isLayoutPath, type ClipExtension } from '../media/store/storeLayout';

/**
 * `circletake studio import --media`: a desktop's preview and release files copied into the studio's
 * bucket, one artifact at a time. Each object is content-addressed (`{class}/{sha256}.{ext}`), its
 * bytes hashed on the way and checked against the sha256 the desktop recorded; only then does the
 * studio's row point at the object. So a move interrupted anywhere resumes where it stopped, a repeat
 * does nothing, and a file that changed on the desktop since it was stored is reported, not copied.
 * Files the desktop's retention already swept are counted as gone.
 */
export interface MediaMoveReport {
  /** Objects written to the bucket this time. */
  uploaded: number;
  /** Objects the bucket already had (same content from another take, or a run that stopped after the upload). */
  alreadyThere: number;
  /** Rows already pointing at the bucket: nothing to do. */
  done: number;
  /** Swept on the desktop (or missing): metadata only. */
  gone: string[];
  /** Files whose bytes no longer match their recorded sha256: left out, rows unchanged. */
  mismatched: string[];
  bytes: number;
}

interface Row {
  id: string;
  class: ArtifactClass;
  rel_path: string;
  sha256: string;
  size_bytes: number;
  swept_at: number | null;
}

function extOf(rel: string): ClipExtension {
  const ext = rel.slice(rel.lastIndexOf('.') + 1);
  return (EXTENSIONS as readonly string[]).includes(ext) ? (ext as ClipExtension) : 'mp4';
}

export async function moveMedia(o: { source: Db; dataDir: string; target: PgEngine; backend: ObjectBackend; signal?: AbortSignal }): Promise<MediaMoveReport> {
  const report: MediaMoveReport = { uploaded: 0, alreadyThere: 0, done: 0, gone: [], mismatched: [], bytes: 0 };
  // This desktop's clips only: the studio may hold other desktops' rows, whose files are elsewhere.
  const ids = (o.source.conn.prepare('SELECT id FROM artifacts ORDER BY rowid').pluck().all() as string[]);
  for (const id of ids) {
    o.signal?.throwIfAborted();
    const row = await o.target.get<Row>('SELECT id, class, rel_path, sha256, size_bytes, swept_at FROM artifacts WHERE id = ?', [id]);
    if (!row) throw new AppError('VALIDATION', `The studio has no record of clip ${id}: import this desktop's rows first (without --media, or both together).`, { field: 'media', id });
    if (!isLayoutPath(row.rel_path)) {
      report.done++;
      continue;
    }
    const file = join(o.dataDir, row.class, ...row.rel_path.split('/'));
    if (row.swept_at !== null || !existsSync(file)) {
      report.gone.push(row.id);
      continue;
    }
    const key = casKey(row.sha256, extOf(row.rel_path));
    const there = await o.backend.head(row.class, key);
    if (there && there.sizeBytes === row.size_bytes) {
      report.alreadyThere++;
    } else {
      const staged = await o.backend.stage(row.class, file, o.signal);
      try {
        if (staged.sha256 !== row.sha256) {
          report.mismatched.push(row.id);
          continue;
        }
        await staged.commit(key, contentTypeOf(row.rel_path), o.signal);
        report.uploaded++;
        report.bytes += staged.sizeBytes;
      } finally {
        await staged.discard();
      }
    }
    // Only a verified object is pointed at; the condition keeps a concurrent run from doing it twice.
    await o.target.run('UPDATE artifacts SET rel_path = ? WHERE id = ? AND rel_path = ?', [key, row.id, row.rel_path]);
  }
  return report;
}
