#!/usr/bin/env node
// Screenshots of the Probe & check your code lens in a real VS Code (code-server in headless
// Chromium): the buggy .py fixture and the buggy notebook, each after its check, with the
// squiggle on the wrong gate's line, the verdict after the header line, and the panel's
// gradient chart (your code beside the reference) and marked equation.
// --set tfjs: the same two pictures of TF.js .ts cells (a correct one: its series beside the
// reference; the buggy one: its squiggle), checked in LSTM Lab's TF.js worker.
// Usage: node scripts/build.mjs && node scripts/vscode/user-code-screenshots.mjs [--theme dark|light] [--set python|tfjs] [--out DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliOption, isNoise, launchBrowser, remoteAuthority, startCodeServer, workbenchUrl, sleep, THEMES, waitFor } from './harness.mjs';
import { repoRoot } from './paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => cliOption(args, name, fallback);
const theme = option('--theme', 'dark');
if (!THEMES[theme]) throw new Error('--theme must be dark or light');
const outDir = path.resolve(option('--out', path.join(repoRoot, 'docs/screenshots')));
const suffix = theme === 'dark' ? '' : '-light';
const set = option('--set', 'python');
const NAMES = { python: ['user-code-python', 'user-code-notebook'], tfjs: ['user-code-tfjs', 'user-code-tfjs-buggy'] };
if (!NAMES[set]) throw new Error('--set must be python or tfjs');

async function main() {
  const driver = path.join(repoRoot, 'dist/test/integration/user-code-screens.js');
  if (!fs.existsSync(driver)) throw new Error(`${driver} is missing. Run: node scripts/build.mjs`);
  const signals = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-screens-'));
  process.env.LSTM_LAB_SCREENS_DIR = signals;
  process.env.LSTM_LAB_SCREENS_SET = set;
  const workspace = path.join(repoRoot, 'test/fixtures/workspace');
  let started;
  let browser;
  const failed = () => {
    if (fs.existsSync(path.join(signals, 'failed'))) throw new Error(`the driver failed: ${fs.readFileSync(path.join(signals, 'failed'), 'utf8')}`);
  };
  try {
    started = await startCodeServer({ userSettings: { 'workbench.colorTheme': THEMES[theme] } });
    const authority = await remoteAuthority(started.url, workspace);
    const url = workbenchUrl(started.url, authority, workspace, { extensionDevelopmentPath: repoRoot, extensionTestsPath: driver });
    browser = await launchBrowser(started, { viewport: { width: 1500, height: 950 }, deviceScaleFactor: 1 });
    const { page } = browser;
    await page.exposeFunction('codeAutomationLog', () => undefined);
    await page.exposeFunction('codeAutomationExit', () => undefined);
    page.on('pageerror', (error) => !isNoise(String(error)) && console.error(`[workbench] ${error}`));
    await page.goto(url);
    const sidebar = await waitFor('the side bar', () => page.locator('.part.sidebar').boundingBox(), 120_000);
    await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 300);
    await page.mouse.down();
    await page.mouse.move(sidebar.x + 560, sidebar.y + 300, { steps: 8 });
    await page.mouse.up();
    const frame = await waitFor(
      'the panel webview',
      async () => {
        for (const f of page.frames()) if (await f.$('.code-verdict').catch(() => null)) return f;
        return undefined;
      },
      120_000,
    );
    const fold = async (section, open) => frame.$eval(`[data-section="${section}"]`, (s, o) => (s.open = o), open).catch(() => undefined);
    const shot = async (name) => {
      for (const s of ['loss', 'saturation', 'runs', 'inspect']) await fold(s, false);
      await fold('gradient', true);
      await fold('equations', true);
      await sleep(1500);
      const file = path.join(outDir, `${name}${suffix}.png`);
      await page.screenshot({ path: file });
      console.log(`user-code-screenshots: wrote ${path.relative(process.cwd(), file)}`);
    };
    await waitFor('the first check', () => (failed(), fs.existsSync(path.join(signals, 'py.json'))), 6 * 60_000);
    await shot(NAMES[set][0]);
    fs.writeFileSync(path.join(signals, 'next'), '');
    await waitFor('the second check', () => (failed(), fs.existsSync(path.join(signals, 'nb.json'))), 6 * 60_000);
    await shot(NAMES[set][1]);
    console.log(fs.readFileSync(path.join(signals, 'driver.log'), 'utf8').trim());
    return 0;
  } finally {
    fs.writeFileSync(path.join(signals, 'done'), '');
    await browser?.context.close().catch(() => undefined);
    await started?.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`user-code-screenshots: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
}
