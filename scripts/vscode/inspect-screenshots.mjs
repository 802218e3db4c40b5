#!/usr/bin/env node
// Screenshots of the panel's inspect views in a real VS Code (code-server in headless
// Chromium): a Quick run on Brown trained in the worker, a Brown sentence read with Inspect
// Selection, then the gradient flow, the h0 probe and a sample asked for by clicking in the
// panel, each view photographed with a hover shown. Writes docs/screenshots/inspect-*.png.
// Usage: node scripts/build.mjs && node scripts/vscode/inspect-screenshots.mjs [--theme dark|light] [--out DIR]
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

async function main() {
  const driver = path.join(repoRoot, 'dist/test/integration/inspect-screens.js');
  if (!fs.existsSync(driver)) throw new Error(`${driver} is missing. Run: node scripts/build.mjs`);
  const signals = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-screens-'));
  process.env.LSTM_LAB_SCREENS_DIR = signals;
  const workspace = path.join(repoRoot, 'test/fixtures/workspace');
  let started;
  let browser;
  try {
    started = await startCodeServer({ userSettings: { 'workbench.colorTheme': THEMES[theme] } });
    const authority = await remoteAuthority(started.url, workspace);
    const url = workbenchUrl(started.url, authority, workspace, { extensionDevelopmentPath: repoRoot, extensionTestsPath: driver });
    browser = await launchBrowser(started, { viewport: { width: 1500, height: 1000 }, deviceScaleFactor: 1 });
    const { page } = browser;
    await page.exposeFunction('codeAutomationLog', () => undefined);
    await page.exposeFunction('codeAutomationExit', () => undefined);
    page.on('pageerror', (error) => !isNoise(String(error)) && console.error(`[workbench] ${error}`));
    await page.goto(url);
    console.log('inspect-screenshots: training a Quick run on Brown in the worker…');
    await waitFor(
      'the driver (Quick run + Inspect Selection)',
      async () => {
        if (fs.existsSync(path.join(signals, 'failed'))) throw new Error(`the driver failed: ${fs.readFileSync(path.join(signals, 'failed'), 'utf8')}`);
        return fs.existsSync(path.join(signals, 'ready.json'));
      },
      8 * 60_000,
    );
    console.log(fs.readFileSync(path.join(signals, 'driver.log'), 'utf8').trim());

    // Widen the side bar so the panel has room.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 300);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + 560, sidebar.y + 300, { steps: 8 });
      await page.mouse.up();
    }
    const frame = await waitFor(
      'the panel webview',
      async () => {
        for (const f of page.frames()) if (await f.$('.inspect-text').catch(() => null)) return f;
        return undefined;
      },
      60_000,
    );
    const shot = async (name) => {
      await sleep(700);
      const file = path.join(outDir, `${name}${suffix}.png`);
      await page.screenshot({ path: file });
      console.log(`inspect-screenshots: wrote ${path.relative(process.cwd(), file)}`);
    };
    const fold = async (section, open) => frame.$eval(`[data-section="${section}"]`, (s, o) => (s.open = o), open);

    // 1. Gate activations of the selection, the units most active on "th", a hover.
    await waitFor('the capture', () => frame.$('.heat-cell'), 120_000);
    for (const s of ['loss', 'saturation', 'gradient', 'runs', 'equations']) await fold(s, false);
    await frame.selectOption('.inspect-gate', 'h');
    await frame.fill('.inspect-pattern', ' ');
    await frame.click('[data-part="activations"] vscode-button');
    await frame.click('.unit-list .unit-pick');
    await frame.hover('.heat-cell[data-position="6"]');
    await shot('inspect-activations');

    // 2. Gradient flow over a shorter text.
    await frame.fill('.inspect-text', 'the jury further said in term-end presentments that the city');
    await frame.click('vscode-button[data-inspect="gradientFlow"]');
    await waitFor('the gradient flow', () => frame.$('[data-part="flow"]:not([hidden])'), 240_000);
    await frame.$eval('[data-part="flow"]', (p) => p.scrollIntoView({ block: 'start' }));
    const canvas = await frame.$('.flow-heatmap');
    const box = await canvas.boundingBox();
    await canvas.hover({ position: { x: box.width * 0.55, y: box.height * 0.8 } });
    await shot('inspect-gradient-flow');

    // 3. The h0 probe on the trained cell next to a fresh one.
    await frame.fill('.inspect-steps', '40');
    await frame.click('vscode-button[data-inspect="probeTrained"]');
    await waitFor('the h0 probe', () => frame.$('[data-chart-box="h0-probe"]:not([hidden]) canvas'), 300_000);
    await frame.$eval('[data-part="probe"]', (p) => p.scrollIntoView({ block: 'start' }));
    await shot('inspect-h0-probe');

    // 4. Sampling at temperature 0.7 with a prime, a hover on a generated character.
    await frame.fill('.inspect-prime', 'the jury ');
    await frame.$eval('.inspect-temperature', (input) => {
      input.value = '0.7';
      input.dispatchEvent(new Event('input'));
    });
    await frame.fill('.inspect-length', '240');
    await frame.click('vscode-button[data-inspect="sample"]');
    await waitFor('the sample', () => frame.$('.sample-cell'), 120_000);
    await frame.$eval('[data-part="sample"]', (p) => p.scrollIntoView({ block: 'start' }));
    await frame.hover('.sample-cell[data-index="12"]');
    await shot('inspect-sample');

    // 5. Saturation beside the loss.
    await fold('loss', true);
    await fold('saturation', true);
    await fold('inspect', false);
    await frame.$eval('[data-section="loss"]', (p) => p.scrollIntoView({ block: 'start' }));
    await shot('inspect-saturation');
    fs.writeFileSync(path.join(signals, 'done'), '');
    await sleep(1500);
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
  console.error(`inspect-screenshots: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
}
