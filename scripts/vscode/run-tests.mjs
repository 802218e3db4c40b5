#!/usr/bin/env node
// Runs the integration suites (dist/test/integration/*.test.js, via index.js) inside the
// extension host of a real VS Code: code-server 4.100.3 on 127.0.0.1 with throwaway
// folders, opened in headless Chromium. Prints the extension host's output and exits
// with the suites' result (0 all passed, 1 otherwise).
//
// Usage: node scripts/vscode/run-tests.mjs [options]
//   --vsix [FILE]      install a built VSIX (default lstm-lab-<version>.vsix, what
//                      `npm run package` writes) into the throwaway extensions folder and
//                      test that instead of the source tree; runs the activation and vsix suites
//   --suites a,b       suite names to run (default: all but vsix; with --vsix: activation,vsix)
//   --grep REGEX       only tests whose full title matches
//   --workspace DIR    folder VS Code opens (default test/fixtures/workspace)
//   --timeout SEC      give up after SEC seconds (default 900)
//   --result FILE      write {passed, failed, pending, failures} as JSON (for test-all.mjs)
//   --keep             keep the run folder (server log, user data) for a look afterwards
//   --verbose          also print the workbench's start-up log and its page errors
// Prerequisites: node scripts/build.mjs; node scripts/vscode/install-code-server.mjs.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { isNoise, launchBrowser, printUsageAndExit, remoteAuthority, sessionCleanup, startCodeServer, workbenchUrl } from './harness.mjs';
import { repoRoot } from './paths.mjs';

function emptyDevelopmentFolder(runDir) {
  const folder = path.join(runDir, 'no-development-extension');
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

function defaultVsixPath() {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return path.join(repoRoot, `${name}-${version}.vsix`);
}

function parseArgs(argv) {
  const options = { workspace: path.join(repoRoot, 'test/fixtures/workspace'), timeout: 900, keep: false, verbose: false };
  const valueOf = (i, name) => {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--vsix': {
        // Without a file name: the one `npm run package` writes.
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) options.vsix = defaultVsixPath();
        else {
          options.vsix = path.resolve(next);
          i++;
        }
        break;
      }
      case '--suites':
        options.suites = valueOf(i, arg);
        i++;
        break;
      case '--grep':
        options.grep = valueOf(i, arg);
        i++;
        break;
      case '--workspace':
        options.workspace = path.resolve(valueOf(i, arg));
        i++;
        break;
      case '--timeout':
        options.timeout = Number(valueOf(i, arg));
        i++;
        break;
      case '--result':
        options.result = path.resolve(valueOf(i, arg));
        i++;
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        printUsageAndExit(import.meta.url);
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  if (!Number.isFinite(options.timeout) || options.timeout <= 0) throw new Error('--timeout must be a positive number of seconds');
  if (options.vsix && !options.suites) options.suites = 'activation,vsix';
  return options;
}

/** The extension host's console arguments, formatted as console.log would (Mocha uses %s/%d). */
function formatArgs(args) {
  if (!Array.isArray(args)) return String(args);
  return util.format(...args);
}

/** The workbench's own start-up log lines: useful only when debugging the harness. */
function isWorkbenchChatter(text) {
  return /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:|Creation of workbench contribution)/.test(
    text,
  );
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`run-tests: ${error.message}`);
    return 2;
  }
  const indexJs = path.join(repoRoot, 'dist/test/integration/index.js');
  if (!fs.existsSync(indexJs)) {
    console.error(`run-tests: ${path.relative(repoRoot, indexJs)} is missing. Run: node scripts/build.mjs`);
    return 2;
  }
  if (!fs.existsSync(options.workspace)) {
    console.error(`run-tests: workspace folder ${options.workspace} does not exist`);
    return 2;
  }
  const runStarted = Date.now();
  let started;
  let browser;
  const writeResult = (summary) => {
    if (!options.result) return;
    fs.mkdirSync(path.dirname(options.result), { recursive: true });
    fs.writeFileSync(options.result, JSON.stringify(summary, null, 2) + '\n');
  };
  const cleanup = sessionCleanup(() => ({ browser, started }));
  const onSignal = (signal) => {
    console.error(`run-tests: ${signal}: stopping code-server`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  try {
    started = await startCodeServer({
      vsix: options.vsix,
      keep: options.keep,
      // The extension host inherits the server's environment: this is what index.ts reads.
      extraEnv: (runDir) => ({
        LSTM_LAB_TEST_RESULT: path.join(runDir, 'result.json'),
        ...(options.suites ? { LSTM_LAB_TEST_FILES: options.suites } : {}),
        ...(options.grep ? { LSTM_LAB_TEST_GREP: options.grep } : {}),
        ...(options.vsix ? { LSTM_LAB_EXPECT_EXTENSIONS_DIR: path.join(runDir, 'extensions') } : {}),
      }),
    });
    const resultFile = started.env.LSTM_LAB_TEST_RESULT;
    console.log(`run-tests: code-server ready on ${started.url} (run folder ${started.runDir}) after ${((Date.now() - runStarted) / 1000).toFixed(1)} s`);
    const authority = await remoteAuthority(started.url, options.workspace);
    const url = workbenchUrl(started.url, authority, options.workspace, {
      // The workbench runs extensionTestsPath only in extension-development mode; with a
      // VSIX, point development at an empty folder so the installed copy is the one loaded.
      extensionDevelopmentPath: options.vsix ? emptyDevelopmentFolder(started.runDir) : repoRoot,
      extensionTestsPath: path.dirname(indexJs) + '/index.js',
    });

    browser = await launchBrowser(started);
    const { page } = browser;
    let resolveExit;
    const exited = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = formatArgs(args);
      // Judge the whole message, so a noise error's stack trace goes with it.
      if (isNoise(text) || (!options.verbose && isWorkbenchChatter(text))) return;
      (type === 'error' ? console.error : console.log)(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    // A crashed or closed workbench never calls codeAutomationExit: do not wait for the timeout.
    page.on('crash', () => resolveExit('the workbench page crashed'));
    page.on('close', () => resolveExit('the workbench page closed'));
    page.on('pageerror', (error) => {
      if (options.verbose && !isNoise(String(error))) console.error(`[workbench] ${error}`);
    });
    page.on('console', (message) => {
      if (options.verbose && message.type() === 'error' && !isNoise(message.text())) console.error(`[workbench] ${message.text()}`);
    });
    console.log(`run-tests: opening the workbench (${options.vsix ? `extension from ${path.basename(options.vsix)}` : 'extension from the source tree'})`);
    await page.goto(url);

    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeout * 1000)));
    const exitCode = await Promise.race([exited, timedOut]);
    clearTimeout(timer);

    let summary;
    if (fs.existsSync(resultFile)) summary = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    const seconds = ((Date.now() - runStarted) / 1000).toFixed(1);
    if (exitCode === 'timeout' || typeof exitCode === 'string') {
      console.error(
        exitCode === 'timeout' ? `run-tests: the suites did not finish within ${options.timeout} s (see --timeout; --keep keeps the server log)` : `run-tests: ${exitCode} before the suites finished`,
      );
      writeResult({ passed: summary?.passed ?? 0, failed: (summary?.failed ?? 0) + 1, pending: summary?.pending ?? 0, crashed: String(exitCode) });
      return 1;
    }
    if (!summary) {
      console.error(`run-tests: the extension host exited with ${exitCode} before any suite reported (the runner or a suite failed to load; see the output above)`);
      writeResult({ passed: 0, failed: 1, pending: 0, crashed: `no result, exit ${exitCode}` });
      return 1;
    }
    writeResult(summary);
    console.log(`run-tests: ${summary.passed} passed, ${summary.failed} failed${summary.pending ? `, ${summary.pending} pending` : ''} in ${seconds} s (extension host exit ${exitCode})`);
    return exitCode === 0 && summary.failed === 0 ? 0 : 1;
  } catch (error) {
    console.error(`run-tests: ${error instanceof Error ? error.message : error}`);
    writeResult({ passed: 0, failed: 1, pending: 0, crashed: String(error instanceof Error ? error.message : error) });
    return 1;
  } finally {
    await cleanup();
  }
}

process.exitCode = await main();
