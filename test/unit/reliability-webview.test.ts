// Issue 7, panel side without a browser: the Content-Security-Policy of the HTML the host
// generates (parsed, directive by directive), hostile inputs to that HTML refused, and the
// runs table's status text for the states a fault leaves behind (queued, interrupted, failed
// with its reason). The browser-side checks (CSP violations, malformed messages ignored,
// escaping) are in test/webview/panel.test.ts.
import { strict as assert } from 'node:assert';
import { renderPanelHtml } from '../../src/host/core/panel-html';
import type { RunRecord } from '../../src/shared/protocol';
import { runRow } from '../../webview/run-rows';
import { SEED_NOTEBOOK_TRAIN_CONFIG } from '../../src/shared/types';

const NONCE = 'QUJDREVGR0hJSktMTU5PUFFS';
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const ORIGIN = 'https://file+.vscode-resource.vscode-cdn.net/ext';

function html(overrides: Partial<Parameters<typeof renderPanelHtml>[0]> = {}): string {
  return renderPanelHtml({
    cspSource: CSP_SOURCE,
    nonce: NONCE,
    scriptUri: `${ORIGIN}/dist/webview/webview.js`,
    styleUris: [`${ORIGIN}/dist/webview/katex.min.css`, `${ORIGIN}/dist/webview/panel.css`],
    ...overrides,
  });
}

/** The policy of the page's <meta http-equiv="Content-Security-Policy">, as directive → sources. */
function policyOf(page: string): Record<string, string[]> {
  const metas = [...page.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  assert.equal(metas.length, 1, 'exactly one CSP meta tag');
  const content = metas[0]![1]!
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return Object.fromEntries(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('reliability: the panel HTML is served under a strict Content-Security-Policy', () => {
  it('default-src none, scripts only by this nonce, styles, fonts and images only from the extension', () => {
    const page = html();
    assert.deepEqual(policyOf(page), {
      'default-src': ["'none'"],
      'script-src': [`'nonce-${NONCE}'`],
      'style-src': [CSP_SOURCE],
      'font-src': [CSP_SOURCE],
      'img-src': [CSP_SOURCE],
    });
    // One script, external, with the nonce; no inline script body, no inline handler, no inline style.
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0]![1]!.trim(), `nonce="${NONCE}" src="${ORIGIN}/dist/webview/webview.js"`);
    assert.equal(scripts[0]![2], '');
    assert.doesNotMatch(page, /\son[a-z]+=|<style|style="|javascript:/i);
    // Every resource the page names is under the extension's origin.
    for (const [, url] of page.matchAll(/(?:src|href)="([^"]*)"/g)) assert.ok(url!.startsWith(ORIGIN), url);
  });

  it("code-server's list of sources is accepted as it is; a fresh nonce changes only the nonce", () => {
    const policy = policyOf(html({ cspSource: "'self' https://*.vscode-cdn.net" }));
    assert.deepEqual(policy['style-src'], ["'self'", 'https://*.vscode-cdn.net']);
    assert.deepEqual(policy['default-src'], ["'none'"]);
    const other = 'WllYV1ZVVFNSUVBPTk1MS0pJ';
    assert.equal(html({ nonce: other }), html().split(NONCE).join(other));
  });

  it('refuses inputs that would widen or break the policy, with a message saying what to pass', () => {
    assert.throws(() => html({ cspSource: `${CSP_SOURCE}; script-src *` }), /cspSource .* is not a CSP source expression; pass webview\.cspSource/);
    assert.throws(() => html({ cspSource: '' }), /is not a CSP source expression/);
    assert.throws(() => html({ nonce: 'short' }), /the nonce must be at least 16 characters/);
    assert.throws(() => html({ nonce: `${NONCE}' 'unsafe-inline` }), /the nonce must be/);
    assert.throws(() => html({ scriptUri: `${ORIGIN}/x.js" onload="alert(1)` }), /scriptUri must be a non-empty URI without spaces, quotes or angle brackets/);
    assert.throws(() => html({ styleUris: [`${ORIGIN}/a.css"><script>alert(1)</script>`] }), /styleUris\[0\] must be a non-empty URI/);
  });
});

describe('reliability: the runs table shows what a fault left behind', () => {
  const base: RunRecord = {
    id: 'r',
    kind: 'train',
    title: 'fused-lstm on Brown',
    status: 'queued',
    createdAt: 1,
    config: { ...SEED_NOTEBOOK_TRAIN_CONFIG, cell: 'fused-lstm', corpus: { kind: 'brown' } },
    batches: [],
    epochs: [],
    probeSeries: [],
  };
  const batch = { epoch: 1, batch: 7, batchesPerEpoch: 338, step: 7, loss: 3.21, charsPerSecond: 5000, elapsedMs: 9000 };

  it('a queued run reads "queued"; a running one its epoch and batch', () => {
    assert.equal(runRow(base).status, 'queued');
    assert.equal(runRow({ ...base, status: 'running', batches: [batch] }).status, 'running — epoch 1, 7/338');
  });

  it('failed, cancelled and interrupted runs show why, next to the data kept (last loss so far)', () => {
    const reason = 'the worker was killed by SIGKILL (by a user, or by the system when memory ran out).';
    const failed = runRow({ ...base, status: 'failed', reason, batches: [batch] });
    assert.equal(failed.status, `failed: ${reason}`);
    assert.equal(failed.trainLoss, '3.210 (last batch)', 'the loss so far is still shown');
    const interrupted = runRow({ ...base, status: 'interrupted', reason: 'VS Code closed or reloaded while this run was training; its data so far is kept.', batches: [batch] });
    assert.match(interrupted.status, /^interrupted: VS Code closed or reloaded/);
    assert.equal(runRow({ ...base, status: 'cancelled', reason: 'stopped by the user; the data so far is kept.' }).status, 'cancelled: stopped by the user; the data so far is kept.');
  });
});
