import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { itWith, need } from '../../test/support/needs';

/**
 * Electron main hosts no core (issue #18 item 5): what electron/main/index.ts loads at run time —
 * its value imports, followed with TypeScript's own module resolution — never reaches createCore,
 * the database, the queue or ffmpeg. Type-only imports are erased by the build and are not followed.
 * The utility entry is walked the same way and must reach createCore, so a broken walker cannot pass.
 */
const root = resolve(import.meta.dirname, '../..');
const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, allowImportingTsExtensions: true };

function valueImports(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const typeOnly = c?.isTypeOnly || (c && !c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(n.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && !n.isTypeOnly) {
      out.push(n.moduleSpecifier.text);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      out.push(n.arguments[0].text);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

/** Every repo source file and every package the entry loads at run time. */
function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [resolve(root, entry)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of valueImports(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        continue;
      }
      const r = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      if (!r) throw new Error(`${rel}: cannot resolve ${spec}`);
      if (!r.isExternalLibraryImport) todo.push(r.resolvedFileName);
    }
  }
  return { files, packages };
}

const CORE_ONLY = [/^electron\/core\/createCore\.ts$/, /^electron\/core\/db\//, /^electron\/core\/queue\//, /^electron\/core\/media\/ffmpeg\//, /^electron\/core\/money\//, /^electron\/utility\/coreService\.ts$/];

describe('Electron main creates no core in-process', () => {
  it("main's entry reaches no createCore, database, queue, ffmpeg or money module, and no database driver", () => {
    const main = graph('electron/main/index.ts');
    expect(main.files.has('electron/main/ipc.ts')).toBe(true);
    expect([...main.files].filter((f) => CORE_ONLY.some((re) => re.test(f)))).toEqual([]);
    expect([...main.packages].filter((p) => ['better-sqlite3', 'pg', 'sharp', '@ffmpeg-installer/ffmpeg', 'ffprobe-static', '@runwayml/sdk'].includes(p))).toEqual([]);
    expect(main.packages.has('electron')).toBe(true);
  });

  it('the utility-process entry is where the core is created (the walk follows real imports)', () => {
    const utility = graph('electron/utility/index.ts');
    expect(utility.files.has('electron/core/createCore.ts')).toBe(true);
    expect(utility.packages.has('better-sqlite3')).toBe(true);
    // The core process never imports Electron's main-process API (it runs in a utilityProcess).
    expect(utility.packages.has('electron')).toBe(false);
  });
});

/** The packages a built ESM bundle loads, following its relative chunk imports. */
function bundlePackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+)"/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return packages;
}

describe('the built main bundle (out/main, electron-vite)', () => {
  const index = resolve(root, 'out/main/index.js');
  const core = resolve(root, 'out/main/core.js');
  itWith(need('the built bundles in out/', existsSync(index) && existsSync(core), { fix: 'npx electron-vite build' }), "main's index.js loads no database driver or media tool; core.js (the utilityProcess entry) does", () => {
    const main = bundlePackages(index);
    expect(main.has('electron')).toBe(true);
    expect([...main].filter((p) => ['better-sqlite3', 'pg', 'sharp', '@runwayml/sdk', '@aws-sdk/client-s3'].includes(p))).toEqual([]);
    const utility = bundlePackages(core);
    expect(utility.has('better-sqlite3')).toBe(true);
    expect(utility.has('electron')).toBe(false);
  });
});
