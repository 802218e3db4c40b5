// A real VS Code (code-server 4.100.3, i.e. VS Code 1.100.3) in headless Debian Chromium,
// started with throwaway folders and torn down without leaving a process behind.
// Used by run-tests.mjs (integration suites), screenshot.mjs and the *-screenshots.mjs drivers
// (openWorkbench, openDriverSession: their one start-up).
//
// Isolation: everything lives in a fresh run folder under the system temp dir; the server
// gets HOME/TMPDIR/XDG_* pointing there (nothing lands in ~), runs in its own process
// group, and every process started for the run carries LSTM_LAB_HARNESS_RUN=<id> in its
// environment so stop() can find and end stragglers that left the group (e.g. ptys).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromiumPath, codeServerEntry, repoRoot } from './paths.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The workbench colour theme of each --theme value the screenshot drivers accept. */
export const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' };

/** `--name value` from argv, or the fallback. */
export function cliOption(args, name, fallback) {
  return args.includes(name) ? args[args.indexOf(name) + 1] : fallback;
}

/** The `--theme` of argv (a THEMES key), or the fallback; refuses any other. */
export function themeOption(args, fallback = 'dark') {
  const theme = cliOption(args, '--theme', fallback);
  if (!THEMES[theme]) throw new Error(`--theme must be ${Object.keys(THEMES).join(' or ')}, not ${theme}`);
  return theme;
}

/** `--help`: prints the script's header comment (its usage) and exits. */
export function printUsageAndExit(scriptUrl) {
  const header = fs
    .readFileSync(new URL(scriptUrl), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('//'))
    .map((line) => line.slice(3));
  console.log(header.join('\n'));
  process.exit(0);
}

/** Runs a script's main() and exits with its code; an error is printed under the script's name, exit 1. */
export async function runScript(name, main) {
  try {
    process.exitCode = await main();
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.stack : error}`);
    process.exitCode = 1;
  }
}

/** Polls `check` until it returns something truthy (returned), or throws naming `what` after timeoutMs. */
export async function waitFor(what, check, timeoutMs, intervalMs = 500) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Log lines that are expected on a machine without internet and say nothing about us. */
export function isNoise(line) {
  return /ENOTFOUND open-vsx\.org|open-vsx\.org|getaddrinfo ENOTFOUND (marketplace|update\.code|az764295|default\.exp-tas)|Failed to fetch|net::ERR_NAME_NOT_RESOLVED|Extension gallery|\[Extension Host\] debugger listening|Debugger listening on ws:/i.test(
    line,
  );
}

async function freePort() {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function checkInstalled() {
  if (!fs.existsSync(codeServerEntry())) {
    throw new Error(`code-server is not installed (${codeServerEntry()} missing). Run: node scripts/vscode/install-code-server.mjs (Debian packages first: bash scripts/vscode/ensure-deps.sh)`);
  }
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}. Run: bash scripts/vscode/ensure-deps.sh (Debian package chromium), or set LSTM_LAB_CHROMIUM to a Chromium binary`);
  }
}

/** Pids of live processes whose environment holds `marker` (readable as root or as their owner). */
function processesWithMarker(marker) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(marker)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts code-server with throwaway folders.
 * options: { userSettings?: object, vsix?: string, extraEnv?: object | ((runDir) => object),
 *            log?: (line) => void, keep?: boolean }
 * Returns { port, url, runDir, workspaceDefault, extensionsDir, env, stop(), server }.
 */
export async function startCodeServer(options = {}) {
  checkInstalled();
  const log = options.log ?? ((line) => console.log(line));
  const runId = crypto.randomBytes(6).toString('hex');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-vscode-'));
  const dirs = {
    home: path.join(runDir, 'home'),
    tmp: path.join(runDir, 'tmp'),
    userData: path.join(runDir, 'user-data'),
    extensions: path.join(runDir, 'extensions'),
    chromium: path.join(runDir, 'chromium-profile'),
    xdgConfig: path.join(runDir, 'home/.config'),
    xdgData: path.join(runDir, 'home/.local/share'),
    xdgCache: path.join(runDir, 'home/.cache'),
    xdgRuntime: path.join(runDir, 'xdg-runtime'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    ...options.userSettings,
  };
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify(settings, null, 2));
  const configFile = path.join(runDir, 'code-server.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const marker = `LSTM_LAB_HARNESS_RUN=${runId}`;
  const env = {
    ...process.env,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    XDG_RUNTIME_DIR: dirs.xdgRuntime,
    LSTM_LAB_HARNESS_RUN: runId,
    LSTM_LAB_REPO_ROOT: repoRoot,
    ...(typeof options.extraEnv === 'function' ? options.extraEnv(runDir) : options.extraEnv),
  };
  // A terminal the harness was started from must not leak into the server's children.
  for (const key of Object.keys(env)) if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];

  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', configFile];
  if (options.vsix) {
    const vsix = path.resolve(options.vsix);
    if (!fs.existsSync(vsix)) throw new Error(`VSIX not found: ${vsix} (build it with npm run package)`);
    log(`harness: installing ${path.relative(repoRoot, vsix)} into the throwaway extensions folder`);
    const install = spawnSync(process.execPath, [codeServerEntry(), ...common, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
    const output = `${install.stdout ?? ''}${install.stderr ?? ''}`.trim();
    if (install.status !== 0 || !/successfully installed/i.test(output)) {
      throw new Error(`code-server --install-extension ${vsix} failed (exit ${install.status}):\n${output}`);
    }
    log(
      `harness: ${output
        .split('\n')
        .filter((l) => /install/i.test(l))
        .pop()}`,
    );
  }

  const port = await freePort();
  const args = [
    codeServerEntry(),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...common,
  ];
  const server = spawn(process.execPath, args, { env, cwd: runDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverLog = fs.createWriteStream(path.join(runDir, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  let exited = null;
  server.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  // One stop for everyone: a signal handler and a finally block may both call it, and the
  // second caller must wait for the first to finish, not return early.
  let stopping;
  const stop = () => (stopping ??= stopNow());
  const stopNow = async () => {
    // The whole process group first (server, extension hosts, file watcher, pty host, our worker)…
    for (const signal of ['SIGTERM', 'SIGKILL']) {
      try {
        process.kill(-server.pid, signal);
      } catch {
        // group already gone
      }
      for (let i = 0; i < 30 && alive(-server.pid); i++) await sleep(100);
    }
    // …then anything started for this run that left the group (setsid'd ptys, daemons).
    for (const signal of ['SIGTERM', 'SIGKILL']) {
      const stragglers = processesWithMarker(marker);
      if (!stragglers.length) break;
      for (const pid of stragglers) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
      await sleep(500);
    }
    const left = processesWithMarker(marker);
    if (left.length) log(`harness: warning: processes still alive after cleanup: ${left.join(', ')}`);
    serverLog.end();
    if (options.keep) {
      log(`harness: kept run folder ${runDir}`);
      return;
    }
    // A dying Chromium helper may still be writing into its profile: retry before giving up.
    try {
      fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      log(`harness: warning: could not delete the run folder ${runDir}: ${error.message}`);
    }
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      const tail = fs.existsSync(path.join(runDir, 'code-server.log')) ? fs.readFileSync(path.join(runDir, 'code-server.log'), 'utf8').slice(-3000) : '';
      await stop();
      throw new Error(`code-server exited during start-up (${JSON.stringify(exited)}):\n${tail}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 90 s`);
    }
    await sleep(250);
  }
  return { port, url, runDir, dirs, env, marker, server, stop, extensionsDir: dirs.extensions };
}

/** Reads the workbench's remoteAuthority from its HTML (the payload's URIs must use it). */
export async function remoteAuthority(url, folder) {
  const html = await (await fetch(`${url}/?folder=${encodeURIComponent(folder)}`)).text();
  const match = /id="vscode-workbench-web-configuration"[^>]*data-settings="([^"]*)"/.exec(html);
  if (match) {
    const decoded = match[1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    try {
      const settings = JSON.parse(decoded);
      if (typeof settings.remoteAuthority === 'string' && settings.remoteAuthority) return settings.remoteAuthority;
    } catch {
      // fall through to the default
    }
  }
  return new URL(url).host;
}

/** The workbench URL with a payload (extensionDevelopmentPath, extensionTestsPath, …). */
export function workbenchUrl(url, authority, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]);
  payload.push(['skipWelcome', 'true']);
  return `${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Headless Chromium with a fresh profile inside the run folder. */
export async function launchBrowser(started, { viewport = { width: 1600, height: 1000 }, deviceScaleFactor = 1 } = {}) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(started.dirs.chromium, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: started.env,
    viewport,
    deviceScaleFactor,
    // Our own signal handlers stop code-server too; Playwright's would exit(130) first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * The one way a script ends its session, whatever ends it (done, an error, a signal): closes
 * the browser, then stops code-server; later calls return the same promise. `session()` says
 * what is running at the time of the first call.
 */
export function sessionCleanup(session) {
  let cleaning;
  const cleanupNow = async () => {
    const { browser, started } = session();
    try {
      await browser?.context.close();
    } catch {
      // browser already gone
    }
    await started?.stop();
  };
  return () => (cleaning ??= cleanupNow());
}

/**
 * The one start-up of every script that looks at VS Code: code-server with throwaway folders
 * (`theme`: a THEMES key, plus `userSettings`, `vsix`, `keep`, `extraEnv` as startCodeServer
 * takes them), then headless Chromium (`viewport`, `deviceScaleFactor`) on the workbench of
 * `workspace`, with the extension from the source tree (or the VSIX) and, given
 * `extensionTestsPath`, that script running in its extension host. Workbench page errors
 * other than the offline noise are printed. A signal, or a failure half-way through start-up,
 * stops what was started. Returns { started, browser, page, close }: close() closes the
 * browser, then stops code-server (once, whoever calls it).
 */
export async function openWorkbench(options) {
  const { workspace, theme, vsix, extensionTestsPath } = options;
  let started;
  let browser;
  const close = sessionCleanup(() => ({ browser, started }));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => close().finally(() => process.exit(130)));
  try {
    if (theme !== undefined && !THEMES[theme]) throw new Error(`--theme must be ${Object.keys(THEMES).join(' or ')}, not ${theme}`);
    const userSettings = { ...(theme ? { 'workbench.colorTheme': THEMES[theme] } : {}), ...options.userSettings };
    started = await startCodeServer({ userSettings, vsix, keep: options.keep, extraEnv: options.extraEnv });
    const authority = await remoteAuthority(started.url, workspace);
    const url = workbenchUrl(started.url, authority, workspace, { extensionDevelopmentPath: vsix ? undefined : repoRoot, extensionTestsPath });
    browser = await launchBrowser(started, { viewport: options.viewport, deviceScaleFactor: options.deviceScaleFactor });
    const { page } = browser;
    if (extensionTestsPath) {
      // The workbench reports a test payload's log and exit through these; a screenshot driver's are not needed.
      await page.exposeFunction('codeAutomationLog', () => undefined);
      await page.exposeFunction('codeAutomationExit', () => undefined);
    }
    page.on('pageerror', (error) => !isNoise(String(error)) && console.error(`[workbench] ${error}`));
    await page.goto(url);
    return { started, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A screenshot script's session with its extension-side driver (`dist/test/integration/<driver>.js`,
 * built from test/integration/<driver>.ts), which poses VS Code while this script takes the pictures.
 * They talk through files in a fresh folder ($LSTM_LAB_SCREENS_DIR): the driver writes one when a
 * pose is ready, `failed` (its error) when it fails, and `driver.log`; the script writes one when it
 * has taken a picture, and `done` when it ends (close()). openWorkbench's options, plus `pollMs`.
 * Returns openWorkbench's result plus { signals, waitForSignal(what, name, timeoutMs), signal(name, text?), driverLog() }.
 */
export async function openDriverSession(driver, options) {
  const driverJs = path.join(repoRoot, `dist/test/integration/${driver}.js`);
  if (!fs.existsSync(driverJs)) throw new Error(`${driverJs} is missing. Run: node scripts/build.mjs`);
  const signals = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-screens-'));
  const file = (name) => path.join(signals, name);
  const signal = (name, text = '') => fs.writeFileSync(file(name), text);
  const waitForSignal = (what, name, timeoutMs) =>
    waitFor(
      what,
      () => {
        if (fs.existsSync(file('failed'))) throw new Error(`the driver failed: ${fs.readFileSync(file('failed'), 'utf8')}`);
        return fs.existsSync(file(name));
      },
      timeoutMs,
      options.pollMs,
    );
  const driverLog = () => (fs.existsSync(file('driver.log')) ? fs.readFileSync(file('driver.log'), 'utf8').trim() : '');
  let workbench;
  try {
    workbench = await openWorkbench({ ...options, extensionTestsPath: driverJs, extraEnv: { ...options.extraEnv, LSTM_LAB_SCREENS_DIR: signals } });
  } finally {
    if (!workbench) signal('done');
  }
  const close = async () => {
    signal('done');
    await sleep(500); // the driver sees it and ends its run
    await workbench.close();
  };
  return { ...workbench, close, signals, waitForSignal, signal, driverLog };
}

/** Drags the sash on the side bar's right edge until the side bar is `width` CSS pixels wide. */
export async function setSidebarWidth(page, width) {
  if (!(width > 0)) throw new Error('--sidebar-width needs a width in pixels');
  const sidebar = page.locator('.monaco-workbench .part.sidebar');
  await sidebar.waitFor({ state: 'visible', timeout: 120_000 });
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('the side bar is not visible');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 10 });
  await page.mouse.up();
}

/** The first webview frame (the panel's page) holding an element that matches `selector`. */
export function webviewFrame(page, selector, timeoutMs = 60_000) {
  return waitFor(
    `the panel webview (${selector})`,
    async () => {
      for (const frame of page.frames()) if (await frame.$(selector).catch(() => null)) return frame;
      return undefined;
    },
    timeoutMs,
  );
}
