// What the headless-Chromium webview tests share: the Chromium they drive, the build of the
// panel's bundle, and a local server for the page renderPanelHtml produces and its files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { WebviewTheme } from './themes';
import { renderPanelHtml } from '../../src/host/core/panel-html';

const root = path.resolve(__dirname, '../..');
const distWebview = path.join(root, 'dist/webview');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Refuses clearly when Chromium is missing, then builds dist/ so the page serves the current webview code. */
export function requireChromiumAndBuild(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium", or set CHROMIUM_PATH.`);
  }
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'pipe' });
}

/**
 * Serves the panel page (renderPanelHtml with `nonce`, at / and /index.html) and the files of
 * dist/webview on 127.0.0.1, on a free port; anything else is 404.
 */
export async function startPanelServer(nonce: string): Promise<{ server: http.Server; origin: string }> {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const html = renderPanelHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/webview.js`,
        styleUris: [`${origin}/katex.min.css`, `${origin}/panel.css`],
        // `/?surface=editor`: the page as the charts editor tab gets it.
        ...(url.searchParams.get('surface') === 'editor' ? { surface: 'editor' as const } : {}),
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = path.join(distWebview, path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ''));
    if (!file.startsWith(distWebview) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.woff2') ? 'font/woff2' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

/**
 * For one mocha suite: builds, serves the panel page (startPanelServer) and launches headless
 * Chromium before its tests, and closes both after; read `browser` and `origin` inside tests.
 */
export function usePanelInChromium(nonce: string): { readonly browser: Browser; readonly origin: string } {
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let origin = '';
  before(async () => {
    requireChromiumAndBuild();
    ({ server, origin } = await startPanelServer(nonce));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is not running: use the browser inside a test.');
      return browser;
    },
    get origin(): string {
      return origin;
    },
  };
}

/**
 * A page of the served panel at `width` (1000 px high), in `theme`, after the host's `messages`
 * and two frames; what it posts to the host collects in `window.__posted`. The caller closes it.
 */
export async function openThemedPanel(served: { readonly browser: Browser; readonly origin: string }, width: number, theme: WebviewTheme, messages: unknown[]): Promise<Page> {
  const context = await served.browser.newContext({ viewport: { width, height: 1000 }, deviceScaleFactor: 1 });
  // A string, not a function: tsx would wrap a function's inner names with its __name helper, absent in the page.
  await context.addInitScript({
    content: 'window.__name = (f) => f; window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() {}, setState() {} });',
  });
  const page = await context.newPage();
  await page.goto(`${served.origin}/`);
  await page.waitForSelector('[data-section="runs"]');
  await page.evaluate((t) => {
    for (const [name, value] of Object.entries(t.variables)) document.documentElement.style.setProperty(name, value);
    document.body.classList.add(t.bodyClass);
  }, theme);
  await page.evaluate((all) => {
    for (const m of all) window.postMessage(m, '*');
  }, messages);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(150);
  return page;
}

/**
 * For each element matching `selector`: the WCAG contrast of its text against what is behind it
 * (its and its ancestors' backgrounds composited over white), its own background's opacity, and its text.
 */
export async function renderedContrast(page: Page, selector: string): Promise<{ ratio: number; alpha: number; text: string }[]> {
  return page.$$eval(selector, (nodes) =>
    nodes.map((node) => {
      const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number).concat(1).slice(0, 4);
      const over = (top: number[], below: number[]) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat(1);
      const layers: number[][] = [];
      for (let e: Element | null = node; e; e = e.parentElement) layers.push(rgba(getComputedStyle(e).backgroundColor));
      const background = layers.reduceRight((below, top) => over(top, below), [255, 255, 255, 1]);
      const text = over(rgba(getComputedStyle(node).color), background);
      const luminance = (c: number[]) =>
        [0, 1, 2]
          .map((i) => c[i] / 255)
          .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
          .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const [hi, lo] = [luminance(text), luminance(background)].sort((a, b) => b - a);
      return { ratio: (hi + 0.05) / (lo + 0.05), alpha: rgba(getComputedStyle(node).backgroundColor)[3], text: node.textContent ?? '' };
    }),
  );
}
