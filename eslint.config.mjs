// ESLint (flat config, typescript-eslint). The `no-restricted-imports` blocks below state
// docs/architecture.md's import table ("who may import what"): a folder importing what the
// table does not allow fails `npm run lint` (and so `npm test`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import rule for one folder: the module patterns it may not import, each with the reason. */
const forbid = (...groups) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...groups, NO_ENGINE_BARREL] }],
});
// The engine has no index: each import names the module it uses (docs/architecture.md, "Engine API").
const NO_ENGINE_BARREL = { regex: '(^|/)engine(/index)?$', message: 'The engine has no index module: import the engine module you use (e.g. engine/trainer), as docs/architecture.md lists them.' };
const VSCODE = { group: ['vscode'], message: 'Only src/host (and src/extension.ts) may import vscode.' };
const TFJS = { group: ['@tensorflow/*'], message: 'TF.js stays in the engine (the worker and the CLI); this part must load without it.' };
const WEBVIEW = { group: ['**/webview/*', '../webview', '../../webview'], message: 'The webview is a browser bundle: import what it shares from src/shared instead.' };
const HOST = { group: ['**/host/*', '**/host'], message: 'src/host needs vscode: nothing outside it may import it.' };
const CLI = { group: ['**/cli/*'], message: 'The CLI is an entry point: nothing imports it.' };
const ENGINE_VALUES = {
  group: ['**/engine/*', '!**/engine/validate', '!**/engine/errors'],
  allowTypeImports: true,
  message: "Only the engine's TF.js-free modules (validate, errors) and its types load here (the data types are in src/shared); the engine itself runs in the worker.",
};
const ENGINE = { group: ['**/engine/*', '**/engine/**', '**/engine'], message: 'The webview imports only from src/shared (the data types are in src/shared/types.ts and inspect-types.ts).' };

const HOST_PURE = ['config', 'export', 'lens-plan', 'panel-html', 'run-manager', 'runs-store', 'sample-text', 'sparkline', 'tfjs-cell-runner', 'user-code-report', 'view-sync', 'worker-client'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.harness/**', '.vscode-test/**', '**/*.js', '**/*.mjs', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Underscore-prefixed parameters are deliberately unused (an interface's full signature).
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Style findings warn (fixed as files are touched); the import table and `any` are errors.
      'prefer-const': 'warn',
      '@typescript-eslint/no-unused-expressions': 'warn',
    },
  },
  // ───────── the import table ─────────
  {
    files: ['src/shared/**/*.ts'],
    rules: forbid(VSCODE, TFJS, WEBVIEW, HOST, CLI, {
      group: ['**/engine/*', '**/engine', '**/detect/*', '**/detect', '**/python/*', '**/worker/*'],
      message: 'src/shared imports only src/shared: everyone else imports it.',
    }),
  },
  { files: ['src/engine/**/*.ts'], rules: forbid(VSCODE, WEBVIEW, HOST, CLI) },
  {
    files: ['src/detect/**/*.ts'],
    rules: forbid(VSCODE, TFJS, WEBVIEW, HOST, CLI, { group: ['**/engine/*', '**/python/*'], message: 'src/detect uses nothing but node built-ins (and src/shared).' }),
  },
  { files: ['src/cli/**/*.ts'], rules: forbid(VSCODE, WEBVIEW, HOST) },
  { files: ['src/worker/**/*.ts'], rules: forbid(VSCODE, WEBVIEW, HOST, CLI) },
  { files: ['src/python/**/*.ts'], rules: forbid(VSCODE, TFJS, WEBVIEW, HOST, CLI) },
  { files: ['src/host/**/*.ts', 'src/extension.ts'], rules: forbid(TFJS, WEBVIEW, CLI, ENGINE_VALUES) },
  // The host's pure half: these modules never import vscode, so unit tests load them directly (the rest of src/host is its vscode half).
  {
    files: HOST_PURE.map((name) => `src/host/${name}.ts`),
    rules: forbid(
      { group: ['vscode'], message: "This module is in the host's pure half (unit tests load it without VS Code): put what needs vscode in a module of the vscode half and pass it in." },
      TFJS,
      WEBVIEW,
      CLI,
      ENGINE_VALUES,
    ),
  },
  {
    files: ['webview/**/*.ts'],
    rules: forbid(VSCODE, TFJS, HOST, CLI, ENGINE, { group: ['**/worker/*', '**/python/*', '**/detect/*', '**/detect'], message: 'The webview talks to the host by messages only.' }),
  },
  // Tests may reach anything but vscode outside the integration suites.
  { files: ['test/unit/**/*.ts', 'test/webview/**/*.ts'], rules: forbid(VSCODE) },
);
