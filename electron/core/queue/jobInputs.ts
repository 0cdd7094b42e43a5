import { statSync } from 'node:fs';
import type { GenerationParams } from '../../../shared/jobParams';
import { decodeParams } from './jobParamsColumn';
import type { PromptVault } from '../security/promptVault';
import type { JobRow } from './jobRepo';

export interface CannotRun {
  code: 'PROMPT_UNREADABLE' | 'INPUT_MISSING';
  message: string;
}

/**
 * A claimed job's params with its prompt, or why it cannot run: a prompt that no longer decrypts (the
 * data dir's key was replaced) or an input file that is gone. Such a job must end failed with its
 * reservation released — never wedge as `running` holding money. The message names the field and the
 * way out; it never carries the prompt.
 */
export function openJobParams(row: Pick<JobRow, 'id' | 'params_json' | 'prompt_sealed'>, vault: Pick<PromptVault, 'open'>): { params: GenerationParams; cannotRun: CannotRun | null } {
  const clear = decodeParams(row.params_json, row.id);
  let params: GenerationParams;
  try {
    params = { ...clear, ...vault.open(row.prompt_sealed) };
  } catch {
    const message = "prompt: the job's prompt cannot be decrypted (this data dir's prompt key was replaced after it was submitted); nothing was sent and its credits are released. Submit the prompt again.";
    return { params: { ...clear, prompt: '' }, cannotRun: { code: 'PROMPT_UNREADABLE', message } };
  }
  return { params, cannotRun: missingFile('sourceFile', params.sourceFile) ?? missingFile('promptImage', params.promptImage) };
}

function missingFile(field: 'sourceFile' | 'promptImage', file: string | undefined): CannotRun | null {
  if (file === undefined || /^https:\/\//i.test(file) || isFile(file)) return null;
  return { code: 'INPUT_MISSING', message: `${field}: the file ${file} is gone; nothing was sent and its credits are released. Put it back and retry the job, or submit again with another file.` };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
