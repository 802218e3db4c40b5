// The inspect views of the side panel in headless Chromium (issue 8): the page that
// renderPanelHtml produces with a stub acquireVsCodeApi, fed the messages the host sends.
// Checked against the data itself: one heat cell per character holding that character's
// gate value, coloured with the theme's charts colour at an opacity equal to the value; the
// hover text lists every gate's value; the heatmap's pixels follow the norms (nothing above
// the diagonal); malformed messages change nothing.
// Run: npx mocha --no-config -r tsx/cjs --timeout 120000 test/webview/inspect.test.ts
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ActivationCapture, GradientFlow, SampleWithProbabilities, SaturationReport, TrainedProbeResult } from '../../src/shared/inspect-types';
import type { HostToWebview, RunRecord, WebviewToHost } from '../../src/shared/protocol';
import { compareRuns, lstmSaturation } from './fixtures';
import { DARK_MODERN, LIGHT_MODERN, type WebviewTheme } from './themes';
import { CHROMIUM, renderedContrast, requireChromiumAndBuild, startPanelServer } from './helpers';

const screenshotDir = path.join(__dirname, 'screenshots');
const NONCE = 'aW5zcGVjdC1ub25jZS0xMjM0NTY3';

// ───────────── fixtures: an LSTM read over a sentence, its gradient flow, a probe, a sample ─────────────

const TEXT = 'the cat sat on the mat.\nthe end';
const HIDDEN = 6;

/** Gate values with the right ranges (sigmoids in (0, 1), g and h in (−1, 1), c unbounded), varying by position and unit. */
function captureFixture(text = TEXT): ActivationCapture {
  const chars = Array.from(text);
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const rows = (f: (t: number, u: number) => number) => chars.map((_, t) => Array.from({ length: HIDDEN }, (_, u) => f(t, u)));
  const i = rows((t, u) => sig(2 * Math.sin(t * 0.7 + u)));
  const f = rows((t, u) => sig(3 * Math.cos(t * 0.3 - u)));
  const g = rows((t, u) => Math.tanh(Math.sin(t + 2 * u)));
  const o = rows((t, u) => sig(Math.sin(t * 1.3) + u * 0.2));
  // c_t = f c_{t−1} + i g; h = o tanh(c): the cell's own equations.
  const c: number[][] = [];
  const h: number[][] = [];
  chars.forEach((_, t) => {
    c.push(Array.from({ length: HIDDEN }, (_, u) => f[t][u] * (t > 0 ? c[t - 1][u] : 0) + i[t][u] * g[t][u]));
    h.push(c[t].map((cv, u) => o[t][u] * Math.tanh(cv)));
  });
  // Unit 2's input gate fires on 'a' (what "find units" must discover).
  chars.forEach((ch, t) => (i[t][2] = ch === 'a' ? 0.97 : 0.05));
  return {
    cell: 'fused-lstm',
    forgetGate: true,
    hiddenSize: HIDDEN,
    chars,
    ids: chars.map((ch) => (ch === '.' ? 1 : 2 + (ch.charCodeAt(0) % 30))),
    gateNames: ['i', 'f', 'g', 'o', 'c', 'h'],
    gates: { i, f, g, o, c, h },
  };
}

function flowFixture(T = 12): GradientFlow {
  const chars = Array.from('the cat sat on').slice(0, T);
  const targets = Array.from('he cat sat on ').slice(0, T);
  const norms = chars.map((_, t) => chars.map((__, s) => (s <= t ? 10 ** -(t - s) * 0.5 : 0)));
  const byDistance = chars.map((_, d) => 0.5 * 10 ** -d);
  return { cell: 'fused-lstm', chars, targets, norms, losses: chars.map((_, t) => 2 + Math.sin(t)), byDistance, seconds: 0.4 };
}

function probeFixture(): TrainedProbeResult {
  const series = (name: string, rate: number) => ({
    name,
    cell: 'fused-lstm' as const,
    forgetGate: true,
    forgetBias: 0,
    norms: Array.from({ length: 50 }, (_, t) => 2 * Math.exp(-rate * t)),
    seconds: 1,
  });
  return { cell: 'fused-lstm', steps: 50, batchSize: 32, trained: series('trained', 0.05), fresh: series('fresh', 0.3) };
}

function sampleFixture(): SampleWithProbabilities {
  const generated = Array.from('he cat is here');
  const steps = generated.map((ch, k) => ({
    char: ch,
    probability: (k % 5) / 5 + 0.1,
    samplingProbability: (k % 5) / 5 + 0.15,
    top: [
      { char: 'e', p: 0.4 },
      { char: ch, p: (k % 5) / 5 + 0.1 },
    ],
  }));
  return { prime: 'the cat said t', temperature: 0.8, text: 'the cat said t' + generated.join(''), steps };
}

function trainedRun(): RunRecord {
  return { ...compareRuns()[1], checkpoint: '/tmp/checkpoints/run', saturation: lstmSaturation() };
}

describe('inspect views in headless Chromium', function () {
  this.timeout(60_000);
  let server: http.Server;
  let origin = '';
  let browser: Browser;
  const open: BrowserContext[] = [];

  before(async function () {
    requireChromiumAndBuild();
    ({ server, origin } = await startPanelServer(NONCE));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
    });
    fs.mkdirSync(screenshotDir, { recursive: true });
  });

  after(async () => {
    for (const context of open) await context.close().catch(() => undefined);
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  afterEach(async () => {
    while (open.length) await open.pop()?.close();
  });

  async function openPanel(theme: WebviewTheme = DARK_MODERN, savedState?: unknown): Promise<{ page: Page; posted: () => Promise<WebviewToHost[]>; warnings: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 460, height: 1400 }, deviceScaleFactor: 1 });
    open.push(context);
    await context.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    await context.addInitScript((saved: unknown) => {
      const w = window as unknown as Record<string, unknown>;
      w.__name = (f: unknown) => f;
      const posted: unknown[] = [];
      let state = saved;
      w.__posted = posted;
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => (w.__cspViolations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => state,
        setState: (s: unknown) => (state = JSON.parse(JSON.stringify(s))),
      });
      w.__getState = () => state;
    }, savedState);
    const page = await context.newPage();
    const warnings: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => (m.type() === 'warning' ? warnings.push(m.text()) : m.type() === 'error' ? errors.push(m.text()) : undefined));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.evaluate((t) => {
      for (const [name, value] of Object.entries(t.variables)) document.documentElement.style.setProperty(name, value);
      document.body.classList.remove('vscode-light', 'vscode-dark');
      document.body.classList.add(t.bodyClass);
    }, theme);
    await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted ?? []).some((m) => m.type === 'ready'));
    return { page, warnings, errors, posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted) };
  }

  async function send(page: Page, ...messages: unknown[]): Promise<void> {
    await page.evaluate((all) => {
      for (const m of all) window.postMessage(m, '*');
    }, messages);
    await page.evaluate(() => new Promise<void>((resolve) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())), 0)));
  }

  /** Clicks a button of the inspect section and returns the request it posted. */
  async function clickAndGetRequest(page: Page, selector: string): Promise<Extract<WebviewToHost, { type: 'inspect' }>> {
    const before = (await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.length)) as number;
    await page.click(selector);
    const posted = (await page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted)).slice(before);
    const request = posted.find((m): m is Extract<WebviewToHost, { type: 'inspect' }> => m.type === 'inspect');
    assert.ok(request, `clicking ${selector} posted no inspect request (posted ${JSON.stringify(posted)})`);
    return request;
  }

  async function stripCells(page: Page) {
    return page.$$eval('.heat-strip .heat-cell', (cells) =>
      cells.map((c) => ({ text: c.textContent ?? '', value: Number((c as HTMLElement).dataset.value), background: getComputedStyle(c).backgroundColor, title: c.getAttribute('title') ?? '' })),
    );
  }

  it('asks the host to read the typed text with the chosen run, then draws one heat cell per character with its value and theme colour', async () => {
    const { page, errors } = await openPanel(DARK_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    assert.equal(await page.$eval('.inspect-run', (s) => (s as HTMLSelectElement).value), run.id);
    await page.fill('.inspect-text', TEXT);
    const request = await clickAndGetRequest(page, 'vscode-button[data-inspect="capture"]');
    assert.deepEqual({ runId: request.runId, request: request.request }, { runId: run.id, request: { kind: 'capture', text: TEXT } });
    assert.equal(await page.$eval('vscode-button[data-inspect="capture"]', (b) => b.hasAttribute('disabled')), true, 'busy while the worker reads');

    const capture = captureFixture();
    await send(page, { type: 'inspectResult', requestId: request.requestId, runId: run.id, result: { kind: 'capture', capture } } satisfies HostToWebview);
    assert.equal(await page.$eval('vscode-button[data-inspect="capture"]', (b) => b.hasAttribute('disabled')), false);

    // Default: h of the unit whose h varies most over the text (not unit 0, which a trained model may pin at −1); diverging: blue for positive, red for negative, opacity |h|.
    const variances = capture.gates.h![0].map((_, unit) => {
      const column = capture.gates.h!.map((row) => row[unit]);
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      return column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length;
    });
    const widest = variances.indexOf(Math.max(...variances));
    assert.equal(await page.$eval('.inspect-unit', (i) => (i as HTMLInputElement).value), String(widest));
    let cells = await stripCells(page);
    assert.equal(cells.length, Array.from(TEXT).length);
    cells.forEach((cell, t) => {
      assert.equal(cell.text, TEXT[t] === '\n' ? '↵' : TEXT[t]);
      assert.ok(Math.abs(cell.value - capture.gates.h![t][widest]) < 1e-12);
    });
    // Input gate of unit 3: sequential, opacity = value (to the 8 bits a colour keeps), the theme's charts.blue (#3794ff).
    await page.selectOption('.inspect-gate', 'i');
    await page.fill('.inspect-unit', '3');
    cells = await stripCells(page);
    cells.forEach((cell, t) => {
      const expected = capture.gates.i![t][3];
      assert.ok(Math.abs(cell.value - expected) < 1e-12, `position ${t}: value ${cell.value} vs ${expected}`);
      const m = /rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/.exec(cell.background);
      assert.ok(m, cell.background);
      assert.deepEqual([Number(m[1]), Number(m[2]), Number(m[3])], [0x37, 0x94, 0xff]);
      assert.ok(Math.abs(Number(m[4] ?? 1) - expected) < 0.006, `position ${t}: opacity ${m[4]} vs value ${expected}`);
    });
    // Negative candidate values are drawn in charts.red (#f14c4c).
    await page.selectOption('.inspect-gate', 'g');
    cells = await stripCells(page);
    const negative = cells.findIndex((c) => c.value < -0.2);
    assert.ok(negative >= 0);
    assert.match(cells[negative].background, /^rgba\(241, 76, 76, /);
    assert.deepEqual(errors, []);
    await page.locator('[data-section="inspect"]').screenshot({ path: path.join(screenshotDir, 'inspect-activations.png') });
  });

  it('keeps every character of the heat strip and its legend readable on its colour (WCAG contrast >= 4.5) in light and dark', async () => {
    for (const theme of [LIGHT_MODERN, DARK_MODERN]) {
      const { page, errors } = await openPanel(theme);
      const run = trainedRun();
      await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
      await send(page, { type: 'inspectText', text: TEXT, runId: run.id }, {
        type: 'inspectResult',
        requestId: 'selection-1',
        runId: run.id,
        result: { kind: 'capture', capture: captureFixture() },
      } satisfies HostToWebview);
      // Inspect Selection marks the section with a brief flash of the find-match colour: measure after it.
      await page.waitForFunction(() => document.getAnimations().length === 0);
      let worst = { ratio: Infinity, where: '' };
      let strongest = 0;
      // g spans −0.76 … 0.76 over the fixture (both colours, every strength up to there); i is sequential; the legends reach ±1.
      for (const gate of ['g', 'i']) {
        for (let unit = 0; unit < HIDDEN; unit++) {
          await page.selectOption('.inspect-gate', gate);
          await page.fill('.inspect-unit', String(unit));
          const ratios = await renderedContrast(page, '[data-part="activations"] .heat-cell, [data-part="activations"] .legend-swatch');
          for (const r of ratios) {
            strongest = Math.max(strongest, r.alpha);
            if (r.ratio < worst.ratio) worst = { ratio: r.ratio, where: `${gate}, unit ${unit}, "${r.text}" on opacity ${r.alpha.toFixed(2)}` };
          }
        }
      }
      console.log(`      ${theme.bodyClass}: lowest contrast ${worst.ratio.toFixed(2)} (${worst.where})`);
      assert.equal(strongest, 1, 'the legend shows full strength');
      assert.ok(worst.ratio >= 4.5, `${theme.bodyClass}: contrast ${worst.ratio.toFixed(2)} at ${worst.where}`);
      await page.locator('[data-part="activations"]').screenshot({ path: path.join(screenshotDir, `inspect-heat-contrast-${theme.bodyClass}.png`) });
      assert.deepEqual(errors, []);
    }
  });

  it('shows every gate value of a character on hover, and finds the unit most active on a pattern', async () => {
    const { page } = await openPanel(LIGHT_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    const capture = captureFixture();
    // A result the host started (Inspect Selection): the text arrives first, then the capture.
    await send(page, { type: 'inspectText', text: TEXT, runId: run.id }, {
      type: 'inspectResult',
      requestId: 'selection-1',
      runId: run.id,
      result: { kind: 'capture', capture },
    } satisfies HostToWebview);
    assert.equal(await page.$eval('.inspect-text', (t) => (t as HTMLTextAreaElement).value), TEXT);
    await page.fill('.inspect-unit', '4');
    const position = 4; // 'c'
    await page.hover(`.heat-cell[data-position="${position}"]`);
    const detail = await page.$eval('[data-part="activations"] .hover-detail', (p) => p.textContent ?? '');
    const title = await page.$eval(`.heat-cell[data-position="${position}"]`, (c) => c.getAttribute('title') ?? '');
    for (const text of [detail, title]) {
      assert.match(text, /'c' \(position 4\), unit 4/);
      for (const gate of ['i', 'f', 'g', 'o', 'c', 'h'] as const) assert.ok(text.includes(`${gate} ${capture.gates[gate]![position][4].toFixed(3)}`), `${gate} missing from "${text}"`);
    }
    // An unknown character (id 1) says so.
    assert.match(await page.$eval('.heat-cell[data-position="22"]', (c) => c.getAttribute('title') ?? ''), /not in the training vocabulary/);

    await page.selectOption('.inspect-gate', 'i');
    await page.fill('.inspect-pattern', 'a');
    await page.click('[data-part="activations"] vscode-button');
    const units = await page.$$eval('.unit-list .unit-pick', (b) => b.map((x) => Number((x as HTMLElement).dataset.unit)));
    assert.equal(units[0], 2, `unit 2's input gate fires on 'a'; got ${units.join(', ')}`);
    await page.click('.unit-list .unit-pick');
    assert.equal(await page.$eval('.inspect-unit', (i) => (i as HTMLInputElement).value), '2');
    // A bad pattern is an error message, not an exception.
    await page.fill('.inspect-pattern', '([');
    await page.click('[data-part="activations"] vscode-button');
    assert.match(await page.$eval('.inspect-status', (p) => p.textContent ?? ''), /not a valid regular expression/);
    await page.fill('.inspect-pattern', 'a');
    await page.click('[data-part="activations"] vscode-button');
    await page.hover(`.heat-cell[data-position="${position}"]`);
    await page.locator('[data-section="inspect"]').screenshot({ path: path.join(screenshotDir, 'inspect-activations-light.png') });
  });

  it('draws the gradient-flow heatmap from the norms: full colour on the diagonal, nothing above it, hover names the cell', async () => {
    const { page } = await openPanel(DARK_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    await page.fill('.inspect-text', 'the cat sat o');
    const request = await clickAndGetRequest(page, 'vscode-button[data-inspect="gradientFlow"]');
    assert.equal(request.request.kind, 'gradientFlow');
    const flow = flowFixture(12);
    await send(page, { type: 'inspectResult', requestId: request.requestId, runId: run.id, result: { kind: 'gradientFlow', flow } } satisfies HostToWebview);
    const pixels = await page.$eval('.flow-heatmap', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const ctx = c.getContext('2d')!;
      const cell = 14; // 400 / 12 → capped at 14 px
      const margin = 16;
      const at = (t: number, s: number) => Array.from(ctx.getImageData(margin + s * cell + cell / 2, margin + t * cell + cell / 2, 1, 1).data);
      return { width: c.width, diagonal: at(5, 5), far: at(11, 0), above: at(2, 9), background: at(0, 11) };
    });
    assert.equal(pixels.width, 16 + 12 * 14 + 2);
    // Background #181818 (the side bar's); the diagonal's norm is the largest: full charts.blue.
    assert.deepEqual(pixels.above.slice(0, 3), [0x18, 0x18, 0x18]);
    assert.deepEqual(pixels.diagonal.slice(0, 3), [0x37, 0x94, 0xff]);
    // Eleven decades back is the smallest norm: the faintest shade, close to the background.
    assert.ok(pixels.far[2] < 0x30, `far cell ${pixels.far}`);
    const box = (await page.$('.flow-heatmap'))!;
    await box.hover({ position: { x: 16 + 2 * 14 + 7, y: 16 + 7 * 14 + 7 } });
    const detail = await page.$eval('[data-part="flow"] .hover-detail', (p) => p.textContent ?? '');
    assert.match(detail, /after position 7 from input 'e' at s = 2 \(5 back\): ‖∂loss_t\/∂x_s‖ = 5\.000e-6/);
    const distance = await page.evaluate(() => (window as unknown as { lstmLabPanel: { inspect: { flow: unknown } } }).lstmLabPanel.inspect.flow !== undefined);
    assert.ok(distance);
    await page.locator('[data-part="flow"]').screenshot({ path: path.join(screenshotDir, 'inspect-gradient-flow.png') });
  });

  it('shows the trained-vs-fresh h0 probe, samples with a temperature and shows each character’s probability on hover', async () => {
    const { page } = await openPanel(DARK_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    await page.fill('.inspect-steps', '50');
    const probeRequest = await clickAndGetRequest(page, 'vscode-button[data-inspect="probeTrained"]');
    assert.deepEqual(probeRequest.request, { kind: 'probeTrained', steps: 50, batchSize: 32 });
    await send(page, { type: 'inspectResult', requestId: probeRequest.requestId, runId: run.id, result: { kind: 'probeTrained', probe: probeFixture() } } satisfies HostToWebview);
    assert.equal(await page.$eval('[data-chart-box="h0-probe"]', (b) => (b as HTMLElement).hidden), false);
    assert.ok(await page.$eval('canvas[data-chart="h0-probe"]', (c) => (c as HTMLCanvasElement).width > 0));

    await page.fill('.inspect-prime', 'the cat said t');
    await page.$eval('.inspect-temperature', (input) => {
      (input as HTMLInputElement).value = '1.25';
      input.dispatchEvent(new Event('input'));
    });
    assert.equal(await page.$eval('.temperature-value', (s) => s.textContent), 'T = 1.25');
    await page.fill('.inspect-length', '14');
    const sampleRequest = await clickAndGetRequest(page, 'vscode-button[data-inspect="sample"]');
    const { seed: _seed, ...rest } = sampleRequest.request as Extract<typeof sampleRequest.request, { kind: 'sample' }>;
    assert.deepEqual(rest, { kind: 'sample', prime: 'the cat said t', temperature: 1.25, length: 14 });
    const sample = sampleFixture();
    await send(page, { type: 'inspectResult', requestId: sampleRequest.requestId, runId: run.id, result: { kind: 'sample', sample } } satisfies HostToWebview);
    const cells = await page.$$eval('.sample-cell', (c) => c.map((x) => ({ text: x.textContent, p: Number((x as HTMLElement).dataset.probability), background: getComputedStyle(x).backgroundColor })));
    assert.equal(cells.length, sample.steps.length);
    cells.forEach((cell, k) => {
      assert.equal(cell.text, sample.steps[k].char);
      const alpha = Number(/rgba\(55, 148, 255, ([\d.]+)\)/.exec(cell.background)?.[1] ?? (cell.background === 'rgb(55, 148, 255)' ? 1 : NaN));
      assert.ok(Math.abs(alpha - sample.steps[k].probability) < 0.006, `char ${k}: ${cell.background}`);
    });
    assert.equal(await page.$eval('.sample-prime', (p) => p.textContent), 'the cat said t');
    await page.hover('.sample-cell[data-index="3"]');
    assert.match(await page.$eval('[data-part="sample"] .hover-detail', (p) => p.textContent ?? ''), /^'c': p = 0\.700 \(drawn with 0\.750 at temperature 0\.8\) · most likely: 'e' 0\.400/);
    await page.locator('[data-part="probe"]').screenshot({ path: path.join(screenshotDir, 'inspect-h0-probe.png') });
    await page.locator('[data-part="sample"]').screenshot({ path: path.join(screenshotDir, 'inspect-sample.png') });
  });

  it('saturation: each gate’s chart (LSTM i, f, o; GRU r, z) lists only the runs whose cell has that gate, under one legend of line styles and run colours', async () => {
    const { page, errors } = await openPanel(DARK_MODERN);
    const lstm = trainedRun();
    const noForget: RunRecord = {
      ...lstm,
      id: 'no-forget',
      title: 'NoForget · quick · Brown',
      createdAt: lstm.createdAt + 1,
      saturation: lstm.saturation!.map((r) => ({ ...r, gates: r.gates.filter((g) => g.gate !== 'f') })),
    };
    // A SimpleRNN has no gates: the trainer's reports for it list none.
    const rnn: RunRecord = { ...compareRuns()[2], saturation: lstm.saturation!.map((r) => ({ ...r, gates: [] })) };
    // A GRU's reports carry its reset and update gates.
    const gruBase = compareRuns()[3];
    const gru: RunRecord = {
      ...gruBase,
      id: 'gru',
      title: 'GRU · quick · Brown',
      config: { ...gruBase.config!, cell: 'gru' },
      saturation: lstm.saturation!.map((r) => ({
        ...r,
        gates: [
          { gate: 'r', low: 0.3, high: 0.1 },
          { gate: 'z', low: 0.05, high: 0.6 },
        ],
      })),
    };
    await send(page, { type: 'runs', runs: [lstm, noForget, rnn, gru] } satisfies HostToWebview);
    type ChartLike = { data: { datasets: { label: string; borderDash?: number[]; showLine?: boolean }[] }; options: { plugins: { legend: { display: boolean } } } };
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('[data-section="saturation"] canvas')].map((canvas) => {
        const chart = (window as unknown as { lstmLabPanel: { chartOf: (c: HTMLCanvasElement) => ChartLike | undefined } }).lstmLabPanel.chartOf(canvas)!;
        return {
          gate: canvas.dataset.chart,
          shown: !canvas.closest<HTMLElement>('.chart-box')!.hidden,
          datasets: chart.data.datasets.map((d) => ({ label: d.label, dash: d.borderDash ?? [], line: d.showLine !== false })),
          legend: chart.options.plugins.legend.display,
        };
      }),
    );
    const runsOn = (gate: string) => [...new Set(charts.find((c) => c.gate === gate)!.datasets.map((d) => d.label.split(':')[0]))];
    assert.deepEqual(
      charts.map((c) => [c.gate, c.shown, c.legend]),
      ['i', 'f', 'o', 'r', 'z'].map((g) => [`saturation-${g}`, true, false]),
    );
    assert.deepEqual(runsOn('saturation-i'), [lstm.title, noForget.title]);
    assert.deepEqual(runsOn('saturation-f'), [lstm.title]);
    assert.deepEqual(runsOn('saturation-o'), [lstm.title, noForget.title]);
    assert.deepEqual(runsOn('saturation-r'), [gru.title]);
    assert.deepEqual(runsOn('saturation-z'), [gru.title]);
    // The chart draws what the key says: open solid, closed dashed, epoch reports as dots without a line.
    const rLines = charts.find((c) => c.gate === 'saturation-r')!.datasets;
    assert.deepEqual(
      rLines.map((d) => [d.label, d.dash.length > 0, d.line]),
      [
        [`${gru.title}: open (> 0.9)`, false, true],
        [`${gru.title}: open (> 0.9) on validation text`, false, false],
        [`${gru.title}: closed (< 0.1)`, true, true],
        [`${gru.title}: closed (< 0.1) on validation text`, false, false],
      ],
    );
    const key = await page.$$eval('.saturation-key li', (items) => items.map((i) => ({ text: (i.textContent ?? '').trim(), style: getComputedStyle(i.firstElementChild!).borderTopStyle })));
    assert.deepEqual(key, [
      { text: 'open: above 0.9', style: 'solid' },
      { text: 'closed: below 0.1', style: 'dashed' },
      { text: 'after each epoch, on validation text', style: 'none' },
    ]);
    const legend = await page.$$eval('[data-section="saturation"] .legend-run', (items) =>
      items.map((i) => ({ text: i.textContent, color: getComputedStyle(i.querySelector('.legend-run-swatch')!).backgroundColor })),
    );
    // The copy's losses equal the original's: its lines lie under them, and the legend says so.
    assert.deepEqual(
      legend.map((l) => l.text),
      [lstm.title, `${noForget.title} (under ${lstm.title}'s line)`, gru.title],
    );
    assert.equal(new Set(legend.map((l) => l.color)).size, 3);
    await page.setViewportSize({ width: 300, height: 1600 });
    await page.locator('[data-section="saturation"]').screenshot({ path: path.join(screenshotDir, 'inspect-saturation-300px.png') });
    assert.deepEqual(errors, []);
  });

  it('saturation of an LSTM alone: the GRU gates’ charts stay hidden', async () => {
    const { page, errors } = await openPanel(LIGHT_MODERN);
    await send(page, { type: 'runs', runs: [trainedRun()] } satisfies HostToWebview);
    const boxes = await page.$$eval('[data-section="saturation"] .chart-box', (b) => b.map((x) => [x.getAttribute('data-chart-box'), (x as HTMLElement).hidden]));
    assert.deepEqual(boxes, [
      ['saturation-i', false],
      ['saturation-f', false],
      ['saturation-o', false],
      ['saturation-r', true],
      ['saturation-z', true],
    ]);
    assert.deepEqual(errors, []);
  });

  it('draws saturation per gate beside the loss, appends live reports, and exports every inspection chart as PNG and its data as CSV', async () => {
    const { page, posted, errors } = await openPanel(DARK_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    const order = await page.$$eval('main > *', (children) => children.map((c) => c.getAttribute('data-section') ?? c.className));
    assert.deepEqual(order.indexOf('saturation'), order.indexOf('loss') + 1, `sections: ${order.join(', ')}`);
    // One chart per sigmoid gate, each with data (its "no saturation yet" note hidden).
    const boxes = await page.$$eval('[data-section="saturation"] .chart-box', (b) =>
      b.map((x) => ({ name: x.getAttribute('data-chart-box'), showsData: (x.querySelector('.chart-empty') as HTMLElement).hidden })),
    );
    assert.deepEqual(boxes.slice(0, 3), [
      { name: 'saturation-i', showsData: true },
      { name: 'saturation-f', showsData: true },
      { name: 'saturation-o', showsData: true },
    ]);
    // A live report for a run the panel knows is appended to it; a stale one is not.
    const live: SaturationReport = {
      scope: 'batch',
      epoch: 2,
      batch: 20,
      step: 358,
      count: 1000,
      gates: [
        { gate: 'i', low: 0.5, high: 0.25 },
        { gate: 'f', low: 0, high: 0.6 },
        { gate: 'o', low: 0.1, high: 0.1 },
      ],
    };
    await send(page, { type: 'saturation', runId: run.id, report: live }, { type: 'saturation', runId: run.id, report: { ...live, step: 100 } });
    await page.locator('[data-section="saturation"]').screenshot({ path: path.join(screenshotDir, 'inspect-saturation.png') });

    // Results to export.
    await send(
      page,
      { type: 'inspectResult', requestId: 'selection-1', runId: run.id, result: { kind: 'capture', capture: captureFixture() } },
      { type: 'inspectResult', requestId: 'selection-2', runId: run.id, result: { kind: 'gradientFlow', flow: flowFixture(8) } },
      { type: 'inspectResult', requestId: 'selection-3', runId: run.id, result: { kind: 'probeTrained', probe: probeFixture() } },
      { type: 'inspectResult', requestId: 'selection-4', runId: run.id, result: { kind: 'sample', sample: sampleFixture() } },
    );
    await send(page, { type: 'exportCharts', runId: run.id } satisfies HostToWebview);
    const answer = (await posted()).filter((m): m is Extract<WebviewToHost, { type: 'chartImages' }> => m.type === 'chartImages').pop();
    assert.ok(answer);
    const names = answer.images.map((i) => i.name);
    for (const name of ['loss.png', 'saturation-i.png', 'saturation-f.png', 'saturation-o.png', 'activations.png', 'gradient-flow.png', 'gradient-flow-by-distance.png', 'h0-probe.png', 'sample.png'])
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    for (const image of answer.images) {
      const png = Buffer.from(image.pngDataUrl.slice('data:image/png;base64,'.length), 'base64');
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', image.name);
      assert.ok(png.length > 1000, `${image.name}: ${png.length} bytes`);
    }
    const csv = Object.fromEntries((answer.csv ?? []).map((f) => [f.name, f.text]));
    assert.deepEqual(Object.keys(csv).sort(), ['activations.csv', 'gradient-flow.csv', 'h0-probe.csv', 'sample.csv', 'saturation.csv']);
    // Saturation: the stored reports plus the live one (the stale one was dropped).
    const saturationRows = csv['saturation.csv'].trim().split('\n');
    assert.equal(saturationRows.length, 1 + (run.saturation!.length + 1) * 3);
    assert.ok(
      saturationRows.some((row) => row === 'batch,2,20,358,1000,i,0.5,0.25'),
      'live report row',
    );
    // Activations: T positions × 6 gates, H units each; gradient flow: T(T+1)/2 cells.
    const capture = captureFixture();
    // (The line break of the text is a quoted field spanning two lines: count records by their leading position.)
    assert.equal(csv['activations.csv'].split('\n').filter((line) => /^\d+,/.test(line)).length, capture.chars.length * 6);
    assert.equal(csv['activations.csv'].split('\n')[0], `position,char,gate,${Array.from({ length: HIDDEN }, (_, u) => `unit_${u}`).join(',')}`);
    assert.equal(csv['activations.csv'].split('\n')[1], `0,t,i,${capture.gates.i![0].join(',')}`);
    assert.equal(csv['gradient-flow.csv'].trim().split('\n').length, 1 + (8 * 9) / 2);
    assert.equal(csv['h0-probe.csv'].trim().split('\n')[1], `1,${probeFixture().trained.norms[0]},${probeFixture().fresh.norms[0]}`);
    fs.writeFileSync(path.join(screenshotDir, 'inspect-export-gradient-flow.png'), Buffer.from(answer.images.find((i) => i.name === 'gradient-flow.png')!.pngDataUrl.split(',')[1], 'base64'));
    fs.writeFileSync(path.join(screenshotDir, 'inspect-export-activations.png'), Buffer.from(answer.images.find((i) => i.name === 'activations.png')!.pngDataUrl.split(',')[1], 'base64'));
    assert.deepEqual(errors, []);
  });

  it('ignores malformed inspect messages (warning, nothing drawn) and shows the host’s errors', async () => {
    const { page, warnings, errors } = await openPanel(DARK_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    const capture = captureFixture();
    const shortRow = { ...capture, gates: { ...capture.gates, h: capture.gates.h!.map((row, t) => (t === 3 ? row.slice(1) : row)) } };
    const undeclared = { ...capture, gateNames: ['h'] };
    const flow = flowFixture(6);
    await send(
      page,
      { type: 'inspectResult', requestId: 'x', runId: run.id, result: { kind: 'capture', capture: shortRow } },
      { type: 'inspectResult', requestId: 'x', runId: run.id, result: { kind: 'capture', capture: undeclared } },
      { type: 'inspectResult', requestId: 'x', runId: run.id, result: { kind: 'capture', capture: { ...capture, ids: capture.ids.slice(1) } } },
      { type: 'inspectResult', requestId: 'x', runId: run.id, result: { kind: 'gradientFlow', flow: { ...flow, norms: flow.norms.slice(1) } } },
      { type: 'inspectResult', requestId: 'x', runId: run.id, result: { kind: 'telepathy' } },
      { type: 'inspectResult', runId: run.id, result: { kind: 'capture', capture } },
      { type: 'inspectText', text: 42 },
      { type: 'saturation', runId: run.id, report: { scope: 'decade', epoch: 1, batch: 1, step: 1, count: 1, gates: [] } },
      { type: 'saturation', runId: run.id, report: { scope: 'batch', epoch: 1, batch: 1, step: 1, count: 1, gates: [{ gate: 'g', low: 0, high: 0 }] } },
    );
    assert.equal(warnings.filter((w) => w.includes('ignored a malformed message')).length, 9, warnings.join('\n'));
    assert.equal(await page.$$eval('.heat-cell', (c) => c.length), 0);
    assert.equal(await page.$eval('[data-part="activations"]', (p) => (p as HTMLElement).hidden), true);
    assert.equal(await page.$eval('[data-part="flow"]', (p) => (p as HTMLElement).hidden), true);
    // A well-formed error from the host is shown as an error.
    await page.fill('.inspect-text', 'x'.repeat(20));
    const request = await clickAndGetRequest(page, 'vscode-button[data-inspect="gradientFlow"]');
    await send(page, {
      type: 'inspectError',
      requestId: request.requestId,
      message: 'The text has 1,200 characters; the gradient flow reads at most 1,000. Select a shorter passage.',
    } satisfies HostToWebview);
    assert.equal(await page.$eval('.inspect-status', (p) => p.className), 'inspect-status error');
    assert.match(await page.$eval('.inspect-status', (p) => p.textContent ?? ''), /reads at most 1,000/);
    assert.equal(await page.$eval('vscode-button[data-inspect="gradientFlow"]', (b) => b.hasAttribute('disabled')), false);
    // Text that looks like markup stays text.
    const markup = '<img src=x onerror=alert(1)>';
    await send(page, { type: 'inspectResult', requestId: 'selection-9', runId: run.id, result: { kind: 'capture', capture: captureFixture(markup) } } satisfies HostToWebview);
    assert.equal(await page.$$eval('.heat-strip img', (i) => i.length), 0);
    assert.equal(await page.$eval('.heat-strip', (s) => s.textContent), markup);
    assert.deepEqual(errors, []);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });

  it('Inspect Selection that fails: the host’s error is shown and Read gates works again', async () => {
    const { page, posted, errors } = await openPanel(DARK_MODERN);
    const run = trainedRun();
    await send(page, { type: 'runs', runs: [run] } satisfies HostToWebview);
    const readGates = 'vscode-button[data-inspect="capture"]';
    await send(page, { type: 'inspectText', text: 'the cat', runId: run.id } satisfies HostToWebview);
    assert.equal(await page.$eval(readGates, (b) => b.hasAttribute('disabled')), true, 'busy while the host reads the selection');
    await send(page, { type: 'inspectError', requestId: 'selection-1', message: 'The run has no checkpoint; train it to the end of an epoch first.' } satisfies HostToWebview);
    assert.equal(await page.$eval('.inspect-status', (p) => p.className), 'inspect-status error');
    assert.match(await page.$eval('.inspect-status', (p) => p.textContent ?? ''), /no checkpoint/);
    assert.equal(await page.$eval(readGates, (b) => b.hasAttribute('disabled')), false);
    // And its own request goes out with the text the host put there.
    const request = await clickAndGetRequest(page, readGates);
    assert.deepEqual(request.request, { kind: 'capture', text: 'the cat' });
    assert.equal((await posted()).filter((m) => m.type === 'inspect').length, 1);
    assert.deepEqual(errors, []);
  });

  it('keeps the typed text, gate, unit and sampling choices across a hide and show (getState/setState)', async () => {
    const first = await openPanel(DARK_MODERN);
    await send(first.page, { type: 'runs', runs: [trainedRun()] }, {
      type: 'inspectResult',
      requestId: 'selection-1',
      runId: trainedRun().id,
      result: { kind: 'capture', capture: captureFixture() },
    } satisfies HostToWebview);
    await first.page.fill('.inspect-text', 'a remembered sentence');
    await first.page.selectOption('.inspect-gate', 'f');
    await first.page.fill('.inspect-unit', '7');
    await first.page.fill('.inspect-prime', 'once upon');
    await first.page.waitForTimeout(400);
    const saved = await first.page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState());
    const second = await openPanel(DARK_MODERN, saved);
    assert.equal(await second.page.$eval('.inspect-text', (t) => (t as HTMLTextAreaElement).value), 'a remembered sentence');
    assert.equal(await second.page.$eval('.inspect-gate', (s) => (s as HTMLSelectElement).value), 'f');
    assert.equal(await second.page.$eval('.inspect-unit', (s) => (s as HTMLInputElement).value), '7');
    assert.equal(await second.page.$eval('.inspect-prime', (s) => (s as HTMLInputElement).value), 'once upon');
  });
});
