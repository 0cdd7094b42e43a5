import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardService } from '../board/boardService';
import type { CoreEvents } from '../coreEvents';
import type { ExportResult } from '../media/export/exporter';
import { exportProject, type FinalsSource } from '../media/finals';
import type { Stitcher } from '../media/stitch/stitcher';
import type { Exporter } from '../media/export/exporter';
import type { Clock } from '../ports';
import type { ProjectService } from '../projects/projectService';

/**
 * Export and publish: the project's finals (release takes only) stitched in shot order and copied with
 * a manifest into the producer's folder — all or nothing — then marked Published on the board.
 */
export class Publisher {
  private readonly tmpDir: string;

  constructor(
    private readonly d: { dataDir: string; projects: ProjectService; finals: FinalsSource; stitcher: Stitcher; exporter: Exporter; board: BoardService; events: CoreEvents; clock: Clock },
  ) {
    this.tmpDir = join(d.dataDir, 'tmp', 'export');
  }

  async export(projectId: string, toDir: string, opts: { withSequence?: boolean; crossfadeSec?: number; signal?: AbortSignal; withPrompts?: boolean } = {}): Promise<ExportResult> {
    mkdirSync(this.tmpDir, { recursive: true });
    let last = 0;
    const projectName = (await this.d.projects.get(projectId)).name;
    const r = await exportProject({ finals: this.d.finals, stitcher: this.d.stitcher, exporter: this.d.exporter, tmpDir: this.tmpDir }, projectId, toDir, {
      ...opts,
      projectName,
      onProgress: (fraction) => {
        const now = this.d.clock.now();
        if (now - last < 100 && fraction < 1) return;
        last = now;
        this.d.events.emit('export.progressed', { projectId, fraction });
      },
    });
    await this.d.board.markPublished(
      r.manifest.takes.map((t) => t.takeId),
      r.manifestFile,
    );
    this.d.events.emit('export.progressed', { projectId, fraction: 1 });
    return r;
  }
}
