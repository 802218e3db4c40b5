#!/usr/bin/env node
// Takes PNG screenshots of LSTM Lab in a real VS Code (code-server 4.100.3 in headless
// Chromium, throwaway folders, nothing left running), to look at the panel, CodeLens and
// charts as a user sees them.
//
// Usage: node scripts/vscode/screenshot.mjs [options] [steps…]
// Options:
//   --out FILE          final screenshot (default screenshot.png); also taken when no --shot
//   --theme light|dark  workbench.colorTheme "Default Light Modern" / "Default Dark Modern" (default dark)
//   --workspace DIR     folder to open (default test/fixtures/workspace)
//   --vsix FILE         use an installed VSIX instead of the source tree (extensionDevelopmentPath)
//   --size WxH          viewport in CSS pixels (default 1600x1000)
//   --scale N           device scale factor (default 1; 2 for crisp README images)
//   --settings JSON     extra user settings, e.g. '{"lstmLab.hiddenSize":32}'
//   --keep              keep the run folder (server log) afterwards
// Steps, run in the order given, after the workbench has loaded:
//   --open FILE         open FILE (path relative to the workspace) with Quick Open (Ctrl+P)
//   --command TITLE     run a command palette entry (F1, type TITLE, Enter), e.g. "LSTM Lab: Show Panel"
//   --keys KEYS         press keys, Playwright syntax, e.g. "Control+Shift+E" or "Escape"
//   --click SELECTOR    click the first element matching a CSS selector (workbench DOM)
//   --wait MS           wait MS milliseconds (training runs take a while)
//   --type TEXT         type TEXT (e.g. into an open quick pick), then wait a little
//   --sidebar-width PX  drag the side bar's edge so it is PX wide (e.g. 300, or 1200 for a wide panel)
//   --webview-scroll SELECTOR  scroll the first element matching SELECTOR inside a webview (the panel) into view
//   --webview-click SELECTOR   click the first element matching SELECTOR inside a webview
//   --shot FILE         save a screenshot now
// Example:
//   node scripts/build.mjs && node scripts/vscode/screenshot.mjs --theme light \
//     --open lstm.py --command "LSTM Lab: Show Panel" --wait 5000 --shot docs/panel-light.png
// Prerequisites: node scripts/build.mjs; node scripts/vscode/install-code-server.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { openWorkbench, printUsageAndExit, setSidebarWidth, sleep, THEMES } from './harness.mjs';
import { repoRoot } from './paths.mjs';

function parseArgs(argv) {
  const options = {
    out: 'screenshot.png',
    theme: 'dark',
    workspace: path.join(repoRoot, 'test/fixtures/workspace'),
    size: { width: 1600, height: 1000 },
    scale: 1,
    settings: {},
    keep: false,
    steps: [],
  };
  const value = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--out':
        options.out = value(i, arg);
        i++;
        break;
      case '--theme': {
        options.theme = value(i, arg);
        i++;
        if (!THEMES[options.theme]) throw new Error(`--theme must be light or dark, not ${options.theme}`);
        break;
      }
      case '--workspace':
        options.workspace = path.resolve(value(i, arg));
        i++;
        break;
      case '--vsix':
        options.vsix = path.resolve(value(i, arg));
        i++;
        break;
      case '--size': {
        const match = /^(\d+)x(\d+)$/.exec(value(i, arg));
        i++;
        if (!match) throw new Error('--size must look like 1600x1000');
        options.size = { width: Number(match[1]), height: Number(match[2]) };
        break;
      }
      case '--scale':
        options.scale = Number(value(i, arg));
        i++;
        if (!(options.scale > 0)) throw new Error('--scale must be a positive number');
        break;
      case '--settings': {
        try {
          options.settings = { ...options.settings, ...JSON.parse(value(i, arg)) };
        } catch (error) {
          throw new Error(`--settings must be a JSON object: ${error.message}`);
        }
        i++;
        break;
      }
      case '--keep':
        options.keep = true;
        break;
      case '--open':
      case '--command':
      case '--keys':
      case '--click':
      case '--shot':
      case '--type':
      case '--sidebar-width':
      case '--webview-scroll':
      case '--webview-click':
        options.steps.push({ kind: arg.slice(2), value: value(i, arg) });
        i++;
        break;
      case '--wait': {
        const ms = Number(value(i, arg));
        i++;
        if (!(ms >= 0)) throw new Error('--wait needs a number of milliseconds');
        options.steps.push({ kind: 'wait', value: ms });
        break;
      }
      case '--help':
      case '-h':
        printUsageAndExit(import.meta.url);
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  if (!fs.existsSync(options.workspace)) throw new Error(`workspace folder ${options.workspace} does not exist`);
  return options;
}

async function quickInput(page, opener, text) {
  await page.keyboard.press(opener);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // F1 pre-fills ">": keep it, type after it. Quick Open starts empty.
  await input.press('End');
  await page.keyboard.type(text, { delay: 10 });
  // Let the list filter (file search can take seconds on a busy machine), then check something matches before pressing Enter.
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  await sleep(600);
  for (let waited = 0; waited < 15_000 && (await rows.count()) === 0; waited += 500) await sleep(500);
  if ((await rows.count()) === 0) {
    await page.keyboard.press('Escape');
    throw new Error(`nothing in the ${opener === 'F1' ? 'command palette' : 'Quick Open list'} matches "${text}"`);
  }
  await page.keyboard.press('Enter');
}

/** Scrolls to (and optionally clicks) the first element matching `selector` in any frame (webviews are nested iframes). */
async function inWebview(page, selector, click) {
  for (let attempt = 0; attempt < 20; attempt++) {
    for (const frame of page.frames()) {
      const element = await frame.$(selector).catch(() => null);
      if (!element) continue;
      await element.scrollIntoViewIfNeeded();
      if (click) await element.click();
      return;
    }
    await sleep(500);
  }
  throw new Error(`no webview element matches ${selector}`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.vsix && !fs.existsSync(path.join(repoRoot, 'dist/extension.js'))) throw new Error('dist/extension.js is missing. Run: node scripts/build.mjs');
  const { page, close } = await openWorkbench({
    workspace: options.workspace,
    theme: options.theme,
    userSettings: { 'window.commandCenter': true, ...options.settings },
    vsix: options.vsix,
    keep: options.keep,
    viewport: options.size,
    deviceScaleFactor: options.scale,
  });
  try {
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
    await sleep(3000); // extensions activate, the explorer fills in
    let shots = 0;
    const shoot = async (file) => {
      const target = path.resolve(file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      await page.screenshot({ path: target });
      console.log(`screenshot: wrote ${path.relative(process.cwd(), target)}`);
      shots++;
    };
    for (const step of options.steps) {
      console.log(`screenshot: ${step.kind} ${step.value}`);
      if (step.kind === 'open') await quickInput(page, 'Control+P', step.value);
      else if (step.kind === 'command') await quickInput(page, 'F1', step.value);
      else if (step.kind === 'keys') await page.keyboard.press(step.value);
      else if (step.kind === 'click') await page.locator(step.value).first().click({ timeout: 15_000 });
      else if (step.kind === 'wait') await sleep(step.value);
      else if (step.kind === 'type') await page.keyboard.type(step.value, { delay: 10 });
      else if (step.kind === 'sidebar-width') await setSidebarWidth(page, Number(step.value));
      else if (step.kind === 'webview-scroll' || step.kind === 'webview-click') await inWebview(page, step.value, step.kind === 'webview-click');
      else if (step.kind === 'shot') await shoot(step.value);
      if (step.kind !== 'wait' && step.kind !== 'shot') await sleep(800);
    }
    if (shots === 0) await shoot(options.out);
    return 0;
  } finally {
    await close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`screenshot: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
