#!/usr/bin/env node
// Renders an SVG to a square PNG with headless Chromium (the harness's Debian chromium), for
// the gallery icon: VS Code's marketplace wants a PNG, and these machines have no ImageMagick.
//
// Usage: node scripts/render-icon.mjs [SVG] [PNG] [SIZE]   (default media/icon.svg media/icon.png 128)
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, repoRoot } from './vscode/paths.mjs';

const [svgArg = 'media/icon.svg', pngArg = 'media/icon.png', sizeArg = '128'] = process.argv.slice(2);
const size = Number(sizeArg);
if (!Number.isInteger(size) || size < 16 || size > 2048) throw new Error(`SIZE must be a whole number of pixels from 16 to 2048, not ${sizeArg}`);
const svg = fs.readFileSync(path.resolve(repoRoot, svgArg), 'utf8');
if (!/<svg[\s>]/.test(svg)) throw new Error(`${svgArg} does not look like an SVG file`);

const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`);
  await page.locator('img').evaluate((img) => img.decode());
  const out = path.resolve(repoRoot, pngArg);
  await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(`render-icon: wrote ${path.relative(repoRoot, out)} (${size}×${size})`);
} finally {
  await browser.close();
}
