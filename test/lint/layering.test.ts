import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules must catch a bad import in every layer, and let a good one through.
const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['shared/contract/bad.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['shared/bad.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
    ['shared/bad.ts', "import { x } from '../electron/core/x';\nexport const y = x;\n"],
    ['electron/core/bad.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['electron/core/db/bad.ts', "import { x } from '../../host/server';\nexport const y = x;\n"],
    ['electron/host/bad.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n"],
    ['electron/host/bad.ts', "import { x } from '../main/ipc';\nexport const y = x;\n"],
    ['renderer/bad.ts', "import { join } from 'node:path';\nexport const j = join;\n"],
    ['renderer/bad.ts', "import { readFileSync } from 'fs';\nexport const r = readFileSync;\n"],
    ['renderer/components/Bad.tsx', "import { x } from '../../electron/core/createCore';\nexport const y = x;\n"],
    ['electron/preload/bad.ts', "import { x } from '../core/createCore';\nexport const y = x;\n"],
    ['electron/main/bad.ts', "import { createCore } from '../core/createCore';\nexport const c = createCore;\n"],
    ['electron/main/bad.ts', "import { serveCore } from '../utility/coreService';\nexport const s = serveCore;\n"],
    ['electron/utility/bad.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['electron/utility/bad.ts', "import { registerIpc } from '../main/ipc';\nexport const r = registerIpc;\n"],
  ])('%s refuses a bad import', async (file, code) => {
    expect(await restricted(file, code)).not.toHaveLength(0);
  });

  it.each([
    ['shared/ok.ts', "import { z } from 'zod';\nexport const s = z.string();\n"],
    ['electron/core/ok.ts', "import { join } from 'node:path';\nimport { AppError } from '../../shared/errors';\nexport const a = [join, AppError];\n"],
    ['electron/host/ok.ts', "import { createCore } from '../core/createCore';\nexport const c = createCore;\n"],
    ['renderer/ok.ts', "import { contract } from '../shared/contract';\nexport const c = contract;\n"],
    ['electron/main/ok.ts', "import { app } from 'electron';\nimport type { MediaRequest } from '../utility/protocol';\nexport const a = [app] as unknown as MediaRequest[];\n"],
    ['electron/utility/ok.ts', "import { createCore } from '../core/createCore';\nexport const c = createCore;\n"],
  ])('%s allows a good import', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});
