#!/usr/bin/env node
// Screenshots of the panel's inspect views in a real VS Code (code-server in headless
// Chromium): a Quick run on Brown trained in the worker, a Brown sentence read with Inspect
// Selection, then the gradient flow, the h0 probe and a sample asked for by clicking in the
// panel, each view photographed with a hover shown. Writes docs/screenshots/inspect-*.png.
// Usage: node scripts/build.mjs && node scripts/vscode/inspect-screenshots.mjs [--theme dark|light] [--out DIR]
import fs from 'node:fs';
import path from 'node:path';
import { cliOption, openDriverSession, runScript, setSidebarWidth, sleep, themeOption, waitFor, webviewFrame } from './harness.mjs';
import { repoRoot } from './paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => cliOption(args, name, fallback);
const theme = themeOption(args);
const outDir = path.resolve(option('--out', path.join(repoRoot, 'docs/screenshots')));
const suffix = theme === 'dark' ? '' : '-light';

async function main() {
  const session = await openDriverSession('inspect-screens', { workspace: path.join(repoRoot, 'test/fixtures/workspace'), theme, viewport: { width: 1500, height: 1000 } });
  const { page } = session;
  try {
    console.log('inspect-screenshots: training a Quick run on Brown in the worker…');
    await session.waitForSignal('the driver (Quick run + Inspect Selection)', 'ready.json', 8 * 60_000);
    console.log(session.driverLog());

    // Widen the side bar so the panel has room.
    await setSidebarWidth(page, 560);
    const frame = await webviewFrame(page, '.inspect-text');
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
    return 0;
  } finally {
    await session.close();
  }
}

await runScript('inspect-screenshots', main);
