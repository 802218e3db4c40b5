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
  // The host's core (src/host/core/): it never imports vscode, directly or through the rest of src/host, so unit tests load it directly.
  {
    files: ['src/host/core/**/*.ts'],
    rules: forbid(
      { group: ['vscode'], message: 'src/host/core runs without VS Code (unit tests load it directly): put what needs vscode in a module of src/host outside core and pass it in.' },
      { regex: '^\\.\\./(?!\\.\\./)', message: 'src/host/core imports nothing from the rest of src/host (that part needs vscode): move what you need into core, or pass it in.' },
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
