// Lint, including the layer rules: which folder may import what (see docs/contributing.md, "Layer rules").
import { builtinModules } from 'node:module';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronPkg = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This layer runs without Node: no node:* imports.' }));

const layer = (files, { paths = [], regexes = [] }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths,
        patterns: regexes.map(([regex, message]) => ({ regex, message })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.electron-native/**', 'test-results/**', 'playwright-report/**', 'bench-results/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'scripts/**', 'bench/**'],
    rules: { 'max-lines': 'off' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // No focused or disabled tests: `.only` never lands, and a suite that depends on a tool outside the
  // repository goes through test/support/needs.ts (which fails under CI and counts skips elsewhere).
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', 'bench/**'],
    ignores: ['test/support/needs.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name=/^(describe|it|test|suite|bench)$/][property.name='only']",
          message: 'A focused test (.only) silences the rest of the suite: remove .only.',
        },
        {
          selector: "MemberExpression[object.name=/^(describe|it|test|suite|bench)$/][property.name=/^(skip|skipIf|runIf|todo)$/]",
          message: 'No disabled tests: use describeWith/itWith from test/support/needs.ts, which names what is missing and fails under CI.',
        },
        {
          selector: "MemberExpression[object.property.name='describe'][property.name=/^(only|skip|fixme)$/], MemberExpression[object.property.name=/^(describe|test)$/][property.name=/^(only|skip|fixme)$/]",
          message: 'No focused or disabled Playwright tests (test.describe.only/skip, test.skip, test.fixme).',
        },
        {
          selector: "CallExpression[callee.property.name='skip'][arguments.length=0]",
          message: 'A skip must say why: ctx.skip(\'reason\').',
        },
        {
          selector: "CallExpression[callee.property.name='skip'][arguments.0.type!='Literal'][arguments.0.type!='TemplateLiteral']",
          message: 'A skip must say why, as a string first: ctx.skip(\'reason\').',
        },
      ],
    },
  },
  layer(['shared/**/*.ts'], {
    paths: [electronPkg, ...noNode, { name: 'react', message: 'shared is pure TypeScript.' }],
    regexes: [
      ['^electron(/|$)', 'shared may not import electron.'],
      ['(^|/)electron/', 'shared may not import from electron/ (core, main, host, preload).'],
      ['(^|/)renderer(/|$)', 'shared may not import from renderer/.'],
      ['^(better-sqlite3|sharp|ws|react|react-dom|zustand)$', 'shared imports zod only.'],
    ],
  }),
  layer(['electron/core/**/*.ts'], {
    paths: [electronPkg],
    regexes: [
      ['^electron(/|$)', 'core never imports electron: declare a port in core/ports.ts instead.'],
      ['(^|/)renderer(/|$)', 'core may not import from renderer/.'],
      ['(^|\\.\\./)(main|preload|host)(/|$)', 'core may not import from main, preload or host.'],
    ],
  }),
  layer(['electron/host/**/*.ts'], {
    paths: [electronPkg],
    regexes: [
      ['^electron(/|$)', 'host never imports electron.'],
      ['(^|/)renderer(/|$)', 'host may not import from renderer/.'],
      ['(^|\\.\\./)(main|preload)(/|$)', 'host may not import from main or preload.'],
    ],
  }),
  layer(['electron/preload/**/*.ts'], {
    regexes: [
      ['(^|/)core(/|$)', 'preload may not import core.'],
      ['(^|/)renderer(/|$)', 'preload may not import from renderer/.'],
    ],
  }),
  layer(['electron/main/**/*.ts'], {
    regexes: [
      ['(^|/)renderer(/|$)', 'main may not import from renderer/.'],
      ['(^|/)core/createCore$|(^|/)utility/coreService$', 'main hosts no core (issue #18): it reaches the core through a CoreTransport (electron/host/coreTransport.ts).'],
    ],
  }),
  {
    ...layer(['electron/utility/**/*.ts'], {
      paths: [electronPkg],
      regexes: [
        ['^electron(/|$)', 'the core process is a utilityProcess: it speaks to main over process.parentPort, never with the electron API.'],
        ['(^|/)renderer(/|$)', 'the core process may not import from renderer/.'],
        ['(^|\\.\\./)(main|preload)(/|$)', 'the core process may not import from main or preload (only tests drive it with main\'s client).'],
      ],
    }),
    ignores: ['**/*.test.ts'],
  },
  layer(['renderer/**/*.ts', 'renderer/**/*.tsx'], {
    paths: [electronPkg, ...noNode],
    regexes: [
      ['^electron(/|$)', 'renderer never imports electron: use renderer/api.'],
      ['(^|/)electron/', 'renderer may not import from electron/: use renderer/api and shared/.'],
      ['^(better-sqlite3|sharp|ws)$', 'renderer runs in the browser.'],
    ],
  }),
);
