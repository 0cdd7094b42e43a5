import { randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { AppError } from '../../../../shared/errors';
import type { GenerationParams } from '../../../../shared/jobParams';
import { ProviderCallError, type CreateResult, type Provider, type TaskRequest, type TaskState } from '../provider';

/** A container's signature in the first bytes: refuses a PNG, a PDF or text named .mp4 before any job exists. */
export function looksLikeVideo(file: string): boolean {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  const at = (offset: number, text: string) => head.subarray(offset, offset + text.length).toString('latin1') === text;
  return (
    at(4, 'ftyp') || at(4, 'moov') || at(4, 'mdat') || at(4, 'wide') || at(4, 'free') || // MP4 / MOV
    head.readUInt32BE(0) === 0x1a45dfa3 || // WebM / Matroska (EBML)
    (at(0, 'RIFF') && at(8, 'AVI ')) ||
    head.readUInt32BE(0) === 0x000001ba || head.readUInt32BE(0) === 0x000001b3 || // MPEG-PS / MPEG video
    (head[0] === 0x47 && statSync(file).size >= 188) || // MPEG-TS sync byte
    at(0, 'OggS') ||
    at(0, 'FLV')
  );
}

interface ImportTask {
  id: string;
  file: string;
  credits: number;
}

/**
 * Clips made elsewhere (downloaded from a web app, say) brought into a shot, with the credits they
 * cost entered by the user, so web-app users get the same board and ledger. A task "finishes" at once:
 * its output is the file itself and its cost the entered credits. Tasks are kept on disk so a restart
 * between create and store resumes like any other provider.
 */
export class ImportProvider implements Provider {
  readonly id = 'import' as const;
  readonly isSimulation = false;
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly priceOne: (params: GenerationParams) => number,
  ) {
    this.dir = join(dataDir, 'import-provider');
    mkdirSync(this.dir, { recursive: true });
  }

  validate(params: GenerationParams): void {
    const f = params.sourceFile;
    if (!f || !isAbsolute(f) || !existsSync(f) || !statSync(f).isFile()) {
      throw new AppError('VALIDATION', `sourceFile: no clip at ${f ?? '(none)'}; give the absolute path of the video to import.`, { field: 'sourceFile' });
    }
    if (statSync(f).size === 0) throw new AppError('VALIDATION', `sourceFile: ${f} is empty (0 bytes).`, { field: 'sourceFile' });
    if (!looksLikeVideo(f)) {
      throw new AppError('VALIDATION', `sourceFile: ${basename(f)} is not a video (no MP4, MOV, WebM, Matroska, AVI, MPEG or Ogg header); import a video clip.`, { field: 'sourceFile' });
    }
    if (params.variations !== 1) throw new AppError('VALIDATION', 'variations: an import brings in one clip (variations 1).', { field: 'variations' });
  }

  async create(req: TaskRequest): Promise<CreateResult> {
    const task: ImportTask = { id: randomUUID(), file: req.params.sourceFile!, credits: this.priceOne(req.params) };
    const file = join(this.dir, `${task.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(task));
    renameSync(`${file}.tmp`, file);
    return { taskId: task.id, estimatedCredits: task.credits };
  }

  async get(taskId: string): Promise<TaskState> {
    const t = this.load(taskId);
    if (!existsSync(t.file)) return { status: 'FAILED', costCredits: 0, failureCode: 'ASSET.INVALID', failure: `The clip ${t.file} is gone.` };
    return { status: 'SUCCEEDED', outputs: [t.file], costCredits: t.credits, progress: 1 };
  }

  async cancel(): Promise<void> {}

  async download(output: string, destFile: string): Promise<void> {
    copyFileSync(output, destFile);
  }

  dispose(): void {}

  private load(id: string): ImportTask {
    const file = join(this.dir, `${id}.json`);
    if (!/^[0-9a-f-]{36}$/.test(id) || !existsSync(file)) throw new ProviderCallError(`No import task ${id}.`, { verdict: 'fatal', httpStatus: 404, isProviderFault: false });
    return JSON.parse(readFileSync(file, 'utf8')) as ImportTask;
  }
}
