#!/usr/bin/env node
// Screenshots of the Probe & check your code lens in a real VS Code (code-server in headless
// Chromium): the buggy .py fixture and the buggy notebook, each after its check, with the
// squiggle on the wrong gate's line, the verdict after the header line, and the panel's
// gradient chart (your code beside the reference) and marked equation.
// --set tfjs: the same two pictures of TF.js .ts cells (a correct one: its series beside the
// reference; the buggy one: its squiggle), checked in LSTM Lab's TF.js worker.
// Usage: node scripts/build.mjs && node scripts/vscode/user-code-screenshots.mjs [--theme dark|light] [--set python|tfjs] [--out DIR]
import path from 'node:path';
import { cliOption, openDriverSession, runScript, setSidebarWidth, sleep, themeOption, webviewFrame } from './harness.mjs';
import { repoRoot } from './paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => cliOption(args, name, fallback);
const theme = themeOption(args);
const outDir = path.resolve(option('--out', path.join(repoRoot, 'docs/screenshots')));
const suffix = theme === 'dark' ? '' : '-light';
const set = option('--set', 'python');
const NAMES = { python: ['user-code-python', 'user-code-notebook'], tfjs: ['user-code-tfjs', 'user-code-tfjs-buggy'] };
if (!NAMES[set]) throw new Error('--set must be python or tfjs');

async function main() {
  const session = await openDriverSession('user-code-screens', {
    workspace: path.join(repoRoot, 'test/fixtures/workspace'),
    theme,
    viewport: { width: 1500, height: 950 },
    extraEnv: { LSTM_LAB_SCREENS_SET: set },
  });
  const { page } = session;
  try {
    await setSidebarWidth(page, 560);
    const frame = await webviewFrame(page, '.code-verdict', 120_000);
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
    await session.waitForSignal('the first check', 'py.json', 6 * 60_000);
    await shot(NAMES[set][0]);
    session.signal('next');
    await session.waitForSignal('the second check', 'nb.json', 6 * 60_000);
    await shot(NAMES[set][1]);
    console.log(session.driverLog());
    return 0;
  } finally {
    await session.close();
  }
}

await runScript('user-code-screenshots', main);
