// What the headless-Chromium webview tests share: the Chromium they drive, the build of the
// panel's bundle, and a local server for the page renderPanelHtml produces and its files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
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
