// The side panel in headless Chromium: the page that renderPanelHtml produces, served from
// 127.0.0.1 with a stub acquireVsCodeApi, fed the messages the host sends.
// Run: npx mocha --no-config -r tsx/cjs --timeout 120000 test/webview/panel.test.ts
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostToWebview, RunRecord, WebviewToHost } from '../../src/shared/protocol';
import { GATE_LABELS } from '../../webview/equations';
import { BATCHES_PER_EPOCH, compareRuns, probeRun, probeSeries, runningRun } from './fixtures';
import { DARK_MODERN, LIGHT_MODERN, type WebviewTheme } from './themes';
import { CHROMIUM, renderedContrast, requireChromiumAndBuild, startPanelServer } from './helpers';

const screenshotDir = path.join(__dirname, 'screenshots');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3ODkw';

interface PanelHandle {
  page: Page;
  context: BrowserContext;
  posted: () => Promise<WebviewToHost[]>;
  warnings: string[];
  errors: string[];
}

interface ChartSnapshot {
  datasets: { label: string; points: number; borderColor: string; first: { x: number; y: number | null }; last: { x: number; y: number | null } }[];
  xType: string;
  yType: string;
  xTitle: string;
  tickColor: string;
}

describe('side panel in headless Chromium', function () {
  this.timeout(60_000);
  let server: http.Server;
  let origin = '';
  let browser: Browser;
  const requests: string[] = [];
  const open: BrowserContext[] = [];

  before(async function () {
    requireChromiumAndBuild();
    ({ server, origin } = await startPanelServer(NONCE));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
      // playwright's launch() gives every run a fresh temporary profile (it refuses --user-data-dir).
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

  /** Opens the panel with a stub acquireVsCodeApi whose state starts as `savedState`. */
  async function openPanel(options: { savedState?: unknown; width?: number; height?: number; theme?: WebviewTheme; surface?: 'editor' } = {}): Promise<PanelHandle> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 460, height: options.height ?? 900 }, deviceScaleFactor: 1 });
    open.push(context);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      // Anything not served by the test's own server would be a network request: refuse it.
      return url.startsWith(origin) || url.startsWith('data:') ? route.continue() : route.abort();
    });
    await context.addInitScript((saved: unknown) => {
      const w = window as unknown as Record<string, unknown>;
      // tsx keeps function names with a __name helper; evaluate()d functions may refer to it.
      w.__name = (f: unknown) => f;
      const posted: unknown[] = [];
      let state = saved;
      let acquired = false;
      w.__posted = posted;
      w.__stateWrites = 0;
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => (w.__cspViolations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
      w.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi may only be called once');
        acquired = true;
        return {
          postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))),
          getState: () => state,
          setState: (s: unknown) => {
            state = JSON.parse(JSON.stringify(s));
            w.__stateWrites = (w.__stateWrites as number) + 1;
          },
        };
      };
      w.__getState = () => state;
    }, options.savedState);
    const page = await context.newPage();
    const warnings: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/${options.surface ? `?surface=${options.surface}` : ''}`);
    if (options.theme) await applyTheme(page, options.theme);
    await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted ?? []).some((m) => m.type === 'ready'));
    return { page, context, warnings, errors, posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted) };
  }

  async function applyTheme(page: Page, theme: WebviewTheme): Promise<void> {
    await page.evaluate((t) => {
      const rootElement = document.documentElement;
      rootElement.removeAttribute('style');
      for (const [name, value] of Object.entries(t.variables)) rootElement.style.setProperty(name, value);
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
      document.body.classList.add(t.bodyClass);
      document.body.dataset.vscodeThemeKind = t.themeKind;
    }, theme);
    await settle(page);
  }

  async function send(page: Page, ...messages: unknown[]): Promise<void> {
    await page.evaluate((all) => {
      for (const m of all) window.postMessage(m, '*');
    }, messages);
    await settle(page);
  }

  /** Lets queued messages arrive and the panel's animation-frame render run. */
  async function settle(page: Page): Promise<void> {
    await page.evaluate(() => new Promise<void>((resolve) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())), 0)));
  }

  async function chart(page: Page, which: 'lossChart' | 'gradientChart'): Promise<ChartSnapshot> {
    return page.evaluate((name) => {
      const panel = (
        window as unknown as {
          lstmLabPanel: Record<
            string,
            {
              data: { datasets: { label: string; data: { x: number; y: number | null }[]; borderColor: string }[] };
              options: { scales: Record<string, { type: string; title: { text: string }; ticks: { color: string } }> };
            }
          >;
        }
      ).lstmLabPanel;
      const c = panel[name];
      return {
        datasets: c.data.datasets.map((d) => ({ label: d.label, points: d.data.length, borderColor: d.borderColor, first: d.data[0], last: d.data[d.data.length - 1] })),
        xType: c.options.scales.x.type,
        yType: c.options.scales.y.type,
        xTitle: c.options.scales.x.title.text,
        tickColor: c.options.scales.x.ticks.color,
      };
    }, which);
  }

  async function tableRows(page: Page): Promise<{ id: string; kind: string; cells: Record<string, string> }[]> {
    return page.evaluate(() =>
      [...document.querySelectorAll('.runs-table tr[data-run-id]')].map((row) => ({
        id: row.getAttribute('data-run-id') ?? '',
        kind: row.getAttribute('data-kind') ?? '',
        cells: Object.fromEntries([...row.querySelectorAll('td[data-column]')].map((c) => [c.getAttribute('data-column') ?? '', (c.textContent ?? '').trim()])),
      })),
    );
  }

  async function highlightedGates(page: Page): Promise<string[]> {
    return page.$$eval('.equation-line.highlighted', (rows) => rows.map((r) => r.getAttribute('data-gate') ?? ''));
  }

  it('serves a strict Content-Security-Policy and loads with no violation, no error and no request off the machine', async () => {
    const { page, errors } = await openPanel();
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content') ?? '');
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], [`'nonce-${NONCE}'`]);
    for (const name of ['style-src', 'font-src', 'img-src']) assert.deepEqual(directives[name], [origin], name);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    // Every script carries the nonce; no inline handler attributes anywhere.
    assert.deepEqual(await page.$$eval('script', (s) => s.map((x) => x.nonce)), [NONCE]);
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('*')].some((e) => [...e.attributes].some((a) => a.name.startsWith('on')))), false);
    // Draw everything once (KaTeX fonts, charts, table) and check nothing was refused or fetched elsewhere.
    await send(page, { type: 'runs', runs: [...compareRuns(), probeRun()] });
    await page.evaluate(() => document.fonts.ready);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
    assert.deepEqual(errors, []);
    const offMachine = requests.filter((u) => !u.startsWith(origin));
    assert.deepEqual(offMachine, [], 'only the local server is contacted');
    assert.ok(
      requests.some((u) => /KaTeX_.*\.woff2$/.test(u)),
      'KaTeX fonts come from the local server',
    );
  });

  it("posts ready on load and shows the LSTM's six equations, each labelled with its gate, before the host sends any", async () => {
    const { page, posted } = await openPanel();
    assert.deepEqual((await posted())[0], { type: 'ready' });
    const lines = await page.$$eval('.equation-line', (rows) =>
      rows.map((r) => ({ gate: r.getAttribute('data-gate'), label: r.querySelector('.equation-label')?.textContent, katex: !!r.querySelector('.katex') })),
    );
    assert.deepEqual(
      lines.map((l) => l.gate),
      ['i', 'f', 'g', 'o', 'c', 'h'],
    );
    assert.deepEqual(
      lines.map((l) => l.label),
      ['input gate', 'forget gate', 'candidate', 'output gate', 'cell state', 'hidden state'],
    );
    assert.ok(
      lines.every((l) => l.katex),
      'every line is rendered by KaTeX',
    );
  });

  it('draws every run of a comparison on the loss chart and lists it in the runs table', async () => {
    const { page } = await openPanel();
    const runs = compareRuns();
    await send(page, { type: 'runs', runs: [...runs, probeRun()] });
    const loss = await chart(page, 'lossChart');
    assert.deepEqual(
      loss.datasets.map((d) => d.label),
      runs.flatMap((r) => [r.title, `${r.title} (val)`]),
    );
    assert.deepEqual(
      loss.datasets.map((d) => d.points),
      runs.flatMap((r) => [r.batches.length, 1]),
    );
    assert.deepEqual(loss.datasets[1].last, { x: 338, y: 2.32 }, "NaiveLSTM's validation loss at the end of its epoch");
    assert.equal(loss.xType, 'linear');
    const rows = await tableRows(page);
    assert.deepEqual(
      rows.map((r) => r.id),
      [...runs.map((r) => r.id), 'probe-1'],
      'in the order they started',
    );
    const naive = rows[0].cells;
    assert.equal(naive.cell, 'NaiveLSTM');
    assert.equal(naive.backend, 'wasm');
    assert.equal(naive.epochTime, '17:04');
    assert.equal(naive.trainLoss, '2.693');
    assert.equal(naive.valLoss, '2.320');
    assert.equal(naive.bitsPerChar, (2.32 / Math.LN2).toFixed(3));
    assert.equal(naive.peakMemory, '820 MB');
    assert.equal(naive.status, 'done');
    assert.match(naive.configuration, /E50 H125 B32 T500/);
    // A probe has no losses: its own facts stand where they are, and no loss column is left empty.
    const probe = rows[4].cells;
    assert.equal(probe.cell, 'SimpleRNN, NaiveLSTM');
    assert.deepEqual(
      ['trainLoss', 'valLoss', 'bitsPerChar', 'charsPerSecond', 'peakMemory'].filter((c) => c in probe),
      [],
    );
    assert.match(probe.probe, /^Series: 5Steps: 100Forget bias: \+1, 0, −1; none \(no forget gate\)‖∂loss\/∂h₀‖ at step 100: SimpleRNN /);
    assert.equal(probe.configuration, 'Brown · E50 H125 B32 · seed 0');
  });

  it('appends live progress to the running run and shows it in the status line; Stop is enabled only while something runs', async () => {
    const { page } = await openPanel();
    await send(page, { type: 'runs', runs: compareRuns() });
    assert.equal(await page.$eval('vscode-button[data-command="stop"]', (b) => b.hasAttribute('disabled')), true);
    const run = runningRun();
    await send(page, { type: 'runUpdated', run });
    const last = run.batches[run.batches.length - 1];
    const updates: HostToWebview[] = Array.from({ length: 30 }, (_, k) => ({
      type: 'progress',
      runId: run.id,
      progress: { ...last, batch: last.batch + k + 1, step: last.step + k + 1, loss: 2.5 - k * 0.01, elapsedMs: last.elapsedMs + (k + 1) * 800 },
    }));
    // A stale update (an old step) must not be drawn twice.
    await send(page, ...updates, updates[5]);
    const loss = await chart(page, 'lossChart');
    const quick = loss.datasets.find((d) => d.label === run.title);
    assert.ok(quick);
    assert.equal(quick.points, 40);
    assert.deepEqual(quick.last, { x: 40, y: 2.5 - 29 * 0.01 });
    assert.equal(await page.$eval('vscode-button[data-command="stop"]', (b) => b.hasAttribute('disabled')), false);
    // Short and plain: what trains and how far; the run in full, its backend and speed on hover.
    const status = await page.$eval('.status-line', (p) => ({ text: p.textContent ?? '', hover: p.getAttribute('title') ?? '' }));
    assert.equal(status.text, `Training NaiveLSTM: batch 40 of 50, loss ${(2.5 - 29 * 0.01).toFixed(3)}`);
    assert.match(status.hover, /^Running Quick: NaiveLSTM b_f \+1 · backend wasm · epoch 1, batch 40\/50 · loss 2\.210 · \d+ chars\/s$/);
    const row = (await tableRows(page)).find((r) => r.id === run.id);
    assert.match(row?.cells.status ?? '', /running — epoch 1, 40\/50/);
  });

  it('stays cheap under a stream of progress: thins the line, and prints what one update costs', async () => {
    const { page } = await openPanel();
    await send(page, { type: 'runs', runs: compareRuns() });
    const run = { ...runningRun(), batches: [] };
    await send(page, { type: 'runUpdated', run });
    const figures = await page.evaluate(async (runId) => {
      const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      const progress = (step: number) => ({ epoch: 1, batch: step, batchesPerEpoch: 5000, step, loss: 4 / Math.sqrt(step), charsPerSecond: 5000, elapsedMs: step * 100 });
      // One message at a time, as a worker streams them: handling it plus one full redraw
      // (charts, table, status), timed synchronously through the panel's flush().
      const panel = (window as unknown as { lstmLabPanel: { flush(): void } }).lstmLabPanel;
      let renderMs = 0;
      for (let step = 1; step <= 200; step++) {
        window.postMessage({ type: 'progress', runId, progress: progress(step) }, '*');
        await new Promise((resolve) => setTimeout(resolve, 0));
        const t0 = performance.now();
        panel.flush();
        renderMs += performance.now() - t0;
      }
      await frame();
      const perFrameMs = renderMs / 200;
      // A burst (a panel shown again after being hidden): 4800 messages, drawn once.
      const burstStart = performance.now();
      for (let step = 201; step <= 5000; step++) window.postMessage({ type: 'progress', runId, progress: progress(step) }, '*');
      await new Promise((resolve) => setTimeout(resolve, 0));
      await frame();
      await frame();
      return { perFrameMs, burstMs: performance.now() - burstStart };
    }, run.id);
    const quick = (await chart(page, 'lossChart')).datasets.find((d) => d.label === run.title);
    assert.ok(quick);
    assert.equal(quick.points, 1500, 'thinned to the per-line limit');
    assert.deepEqual(quick.last, { x: 5000, y: 4 / Math.sqrt(5000) });
    console.log(
      `      progress: ${figures.perFrameMs.toFixed(2)} ms to redraw after one message (5 runs, ~1600 points drawn); a burst of 4800 messages handled and drawn in ${figures.burstMs.toFixed(0)} ms`,
    );
  });

  it('draws probe series on a log-scale gradient chart as they arrive, and switches to linear', async () => {
    const { page } = await openPanel();
    const probe = probeRun(false);
    await send(page, { type: 'runUpdated', run: probe });
    const series = probeSeries();
    await send(page, { type: 'probeSeries', runId: probe.id, series: series[0] }, { type: 'probeSeries', runId: probe.id, series: series[1] });
    let gradient = await chart(page, 'gradientChart');
    assert.deepEqual(
      gradient.datasets.map((d) => d.label),
      ['SimpleRNN', 'LSTM, no forget gate'],
    );
    assert.equal(gradient.yType, 'logarithmic');
    await send(page, ...series.slice(2).map((s) => ({ type: 'probeSeries', runId: probe.id, series: s })));
    gradient = await chart(page, 'gradientChart');
    assert.equal(gradient.datasets.length, 5);
    assert.ok(gradient.datasets.every((d) => d.points === 100));
    assert.deepEqual(gradient.datasets[2].first, { x: 1, y: series[2].norms[0] });
    await page.click('vscode-checkbox.log-scale');
    await settle(page);
    assert.equal((await chart(page, 'gradientChart')).yType, 'linear');
  });

  it('in a narrow side bar: empty sections are one line each, the gradient axis labels do not collide, equations stay on one line', async () => {
    const { page, errors } = await openPanel({ width: 280, height: 900, theme: DARK_MODERN });
    const box = (selector: string) =>
      page.$eval(selector, (e) => {
        const r = e.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, height: r.height, shown: r.height > 0 && getComputedStyle(e).display !== 'none' };
      });
    // Empty: each section is its heading line, which says why; the canvas takes no room.
    for (const name of ['loss', 'saturation', 'gradient', 'runs', 'inspect']) {
      const section = await page.$eval(`[data-section="${name}"]`, (e) => ({
        open: (e as unknown as { open: boolean }).open,
        note: (e as unknown as { description: string }).description,
        height: e.getBoundingClientRect().height,
      }));
      assert.equal(section.open, false, `${name} collapsed while empty`);
      assert.match(section.note, /yet|first/, `${name} says why it is empty`);
      assert.ok(section.height < 40, `${name} is one line (${section.height} px)`);
    }
    assert.equal((await box('[data-chart-box="loss"] canvas')).shown, false, 'loss canvas hidden while empty');
    // The equations, the one section with something to show, start within the first screen.
    assert.ok((await box('[data-section="equations"]')).top < 400, 'equations within the first screen');

    // Each KaTeX line keeps its pieces on one row (scrolling if needed), its label above it.
    const rows = await page.$$eval('.equation-line', (lines) =>
      lines.map((line) => {
        const tops = [...line.querySelectorAll('.katex-html > .base')].map((b) => Math.round(b.getBoundingClientRect().top));
        return {
          gate: (line as HTMLElement).dataset.gate,
          rows: new Set(tops).size,
          labelBottom: line.querySelector('.equation-label')!.getBoundingClientRect().bottom,
          mathTop: line.querySelector('.equation-math')!.getBoundingClientRect().top,
        };
      }),
    );
    assert.equal(rows.length, 6);
    for (const row of rows) {
      assert.equal(row.rows, 1, `equation ${row.gate} wraps onto ${row.rows} rows`);
      assert.ok(row.labelBottom <= row.mathTop + 1, `label of ${row.gate} above its equation`);
    }

    // The notebook's five probe series: the chart replaces the text; y ticks at least a line apart, title within the axis.
    await send(page, { type: 'runs', runs: [probeRun()] });
    assert.equal((await box('[data-chart-box="gradient"] .chart-empty')).shown, false);
    const canvas = await box('[data-chart-box="gradient"] canvas');
    assert.ok(canvas.shown && canvas.height >= 200, `gradient canvas ${JSON.stringify(canvas)}`);
    const axis = await page.evaluate(() => {
      const chart = (
        window as unknown as {
          lstmLabPanel: {
            gradientChart: {
              ctx: CanvasRenderingContext2D;
              scales: Record<
                string,
                { ticks: unknown[]; top: number; bottom: number; getPixelForTick(i: number): number; options: { title: { text: string; font: { size: number; family?: string } } } }
              >;
            };
          };
        }
      ).lstmLabPanel.gradientChart;
      const y = chart.scales.y;
      const pixels = y.ticks.map((_, i) => y.getPixelForTick(i)).sort((a, b) => a - b);
      chart.ctx.save();
      chart.ctx.font = `${y.options.title.font.size}px ${y.options.title.font.family ?? 'sans-serif'}`;
      const titleLength = chart.ctx.measureText(y.options.title.text).width;
      chart.ctx.restore();
      return { ticks: pixels.length, minGap: Math.min(...pixels.slice(1).map((p, i) => p - pixels[i])), titleLength, axisLength: y.bottom - y.top };
    });
    assert.ok(axis.ticks >= 2 && axis.ticks <= 6, `${axis.ticks} y ticks`);
    assert.ok(axis.minGap >= 14, `y tick labels ${axis.minGap.toFixed(1)} px apart (11 px font)`);
    assert.ok(axis.titleLength <= axis.axisLength, `y title ${axis.titleLength.toFixed(0)} px on a ${axis.axisLength.toFixed(0)} px axis`);
    assert.deepEqual(errors, []);
  });

  it('reveals the section the host names: opens it, scrolls it into view and marks it briefly', async () => {
    const { page, errors } = await openPanel({ width: 300, height: 600, theme: DARK_MODERN });
    await send(page, { type: 'runs', runs: [...compareRuns(), probeRun()] });
    await page.$eval('[data-section="equations"]', (e) => ((e as unknown as { open: boolean }).open = false));
    const before = await page.$eval('[data-section="equations"]', (e) => e.getBoundingClientRect().top);
    assert.ok(before > 600, `equations start below the fold (${before} px)`);
    await send(page, { type: 'reveal', section: 'equations' });
    await page.waitForTimeout(800); // the smooth scroll
    const after = await page.$eval('[data-section="equations"]', (e) => ({
      open: (e as unknown as { open: boolean }).open,
      top: e.getBoundingClientRect().top,
      bottom: e.getBoundingClientRect().bottom,
      marked: e.classList.contains('just-revealed'),
    }));
    assert.deepEqual({ open: after.open, marked: after.marked }, { open: true, marked: true });
    // At the top of the view, or wholly in it when it is the last section.
    // (Within a pixel: a section's top may fall between pixels, and the scroll stops on a whole one.)
    assert.ok(after.top >= -1 && (after.top < 100 || after.bottom <= 601), `equations in view (${after.top}–${after.bottom} px)`);
    await page.waitForTimeout(1700);
    assert.equal(await page.$eval('[data-section="equations"]', (e) => e.classList.contains('just-revealed')), false, 'the mark goes away');
    // Text from the editor (Inspect Selection) reveals the inspect section by itself.
    await send(page, { type: 'inspectText', text: 'the cat', runId: 'compare-naive-lstm' });
    await page.waitForTimeout(800);
    const inspect = await page.$eval('[data-section="inspect"]', (e) => ({ open: (e as unknown as { open: boolean }).open, top: e.getBoundingClientRect().top }));
    assert.ok(inspect.open && inspect.top >= -1 && inspect.top < 100, `inspect revealed ${JSON.stringify(inspect)}`);
    assert.deepEqual(errors, []);
  });

  it('a run ending moves nothing the user reads: Inspect stays closed with a note on its heading, the equations stay where they were', async () => {
    const height = 1100;
    const { page, errors } = await openPanel({ width: 300, height, theme: DARK_MODERN });
    const running = runningRun();
    await send(page, { type: 'runs', runs: [running] });
    // The cursor on GateByGateLSTM's f_t line: its per-gate equations, f lit.
    const perGate = {
      type: 'equations',
      cell: 'naive-lstm',
      title: 'GateByGateLSTM — LSTM, per-gate weights',
      lines: (['i', 'f', 'g', 'o', 'c', 'h'] as const).map((gate) => ({ gate, label: GATE_LABELS[gate], latex: `${gate}_t = \\sigma(x_t W_{i${gate}} + h_{t-1} W_{h${gate}} + b_${gate})` })),
    };
    await send(page, perGate, { type: 'highlight', gate: 'f' });
    const reading = () =>
      page.evaluate(() => {
        const inspect = document.querySelector('[data-section="inspect"]') as HTMLElement & { open: boolean; description: string };
        const f = document.querySelector('.equation-line[data-gate="f"]') as HTMLElement;
        return {
          scrollY: window.scrollY,
          fTop: Math.round(f.getBoundingClientRect().top),
          lit: f.classList.contains('highlighted'),
          title: document.querySelector('.equations-title')?.textContent ?? '',
          inspectOpen: inspect.open,
          inspectNote: inspect.description,
          inspectMarked: inspect.classList.contains('just-revealed'),
          sections: Object.fromEntries(
            [...document.querySelectorAll('main > [data-section]')].map((e) => [
              e.getAttribute('data-section') ?? '',
              { open: (e as unknown as { open: boolean }).open, height: Math.round(e.getBoundingClientRect().height) },
            ]),
          ) as Record<string, { open: boolean; height: number }>,
        };
      });
    const before = await reading();
    assert.ok(before.lit && before.fTop > 0 && before.fTop < height, `the lit f equation is on screen before the run ends (${before.fTop} px)`);
    assert.equal(before.inspectOpen, false, 'Inspect is one line while there is nothing to inspect');
    await send(page, { type: 'runUpdated', run: { ...running, status: 'done', checkpoint: '/tmp/checkpoints/quick-1', epochs: compareRuns()[0].epochs } });
    await page.waitForTimeout(300);
    const after = await reading();
    const open = (r: typeof before) => Object.fromEntries(Object.entries(r.sections).map(([id, v]) => [id, v.open]));
    assert.deepEqual(open(after), open(before), 'the run ending opened or closed a section');
    assert.deepEqual(
      { scrollY: after.scrollY, lit: after.lit, title: after.title, inspectHeight: after.sections.inspect.height },
      { scrollY: before.scrollY, lit: true, title: before.title, inspectHeight: before.sections.inspect.height },
      'the run ending scrolled the panel, expanded Inspect or replaced the equations',
    );
    // Only the run's own sections changed: its loss and its card (a few lines each).
    const grown = (id: string) => after.sections[id].height - before.sections[id].height;
    assert.ok(
      after.fTop - before.fTop <= grown('loss') + grown('runs') && after.fTop < height,
      `the lit f equation moved ${after.fTop - before.fTop} px (loss +${grown('loss')}, runs +${grown('runs')})`,
    );
    assert.match(after.inspectNote, /ready/, "Inspect's heading says a trained run is ready");
    assert.equal(after.inspectMarked, true, "Inspect's heading is marked for a moment");
    await page.screenshot({ path: path.join(screenshotDir, 'panel-run-ended-300.png') });
    // Opening it is the user's choice: the note goes, the run is there to pick.
    await page.click('[data-section="inspect"]');
    await settle(page);
    const opened = await page.$eval('[data-section="inspect"]', (e) => ({ open: (e as unknown as { open: boolean }).open, note: (e as unknown as { description: string }).description }));
    assert.deepEqual(opened, { open: true, note: '' });
    assert.deepEqual(errors, []);
  });

  it('loss x axis: whole batches, ending at the last batch; runs whose losses coincide are said and drawn in offset dashes', async () => {
    const { page, errors } = await openPanel({ width: 300, height: 900, theme: DARK_MODERN });
    const xAxis = () =>
      page.evaluate(() => {
        const x = (window as unknown as { lstmLabPanel: { lossChart: { scales: Record<string, { max: number; ticks: { value: number }[] }> } } }).lstmLabPanel.lossChart.scales.x;
        return { max: x.max, ticks: x.ticks.map((t) => t.value) };
      });
    await send(page, { type: 'runs', runs: [runningRun()] });
    const early = await xAxis();
    assert.equal(early.max, 10, 'the axis ends at batch 10, the last one');
    assert.ok(
      early.ticks.every((v) => Number.isInteger(v) && v <= 10),
      `ticks ${early.ticks}`,
    );
    const [a] = compareRuns();
    const copy = (k: number) => ({ ...a, id: `same-${k}`, title: `Copy ${k} · quick · Brown`, createdAt: a.createdAt + k });
    await send(page, { type: 'runs', runs: [a, copy(1), copy(2), compareRuns()[2]] });
    const late = await xAxis();
    assert.equal(late.max, BATCHES_PER_EPOCH);
    assert.ok(
      late.ticks.every((v) => Number.isInteger(v)),
      `ticks ${late.ticks}`,
    );
    const note = await page.$eval('[data-note="coincide"]', (e) => ({ text: e.textContent ?? '', shown: !(e as HTMLElement).hidden }));
    assert.ok(note.shown, 'the note is shown');
    assert.match(note.text, /^3 runs coincide: NaiveLSTM, Copy 1 and Copy 2 draw one line/);
    const dashes = await page.evaluate(() =>
      (window as unknown as { lstmLabPanel: { lossChart: { data: { datasets: { label: string; borderDash?: number[]; borderDashOffset?: number }[] } } } }).lstmLabPanel.lossChart.data.datasets
        .filter((d) => !d.label.endsWith('(val)'))
        .map((d) => [d.borderDash ?? [], d.borderDashOffset ?? 0]),
    );
    assert.deepEqual(dashes, [
      [[6, 12], 0],
      [[6, 12], 6],
      [[6, 12], 12],
      [[], 0],
    ]);
    assert.deepEqual(errors, []);
  });

  it('gradient chart at 300 px: decade ticks evenly spaced, and a legend that fits in its box', async () => {
    const { page, errors } = await openPanel({ width: 300, height: 900, theme: DARK_MODERN });
    await send(page, { type: 'runs', runs: [probeRun()] });
    const layout = await page.evaluate(() => {
      const chart = (
        window as unknown as {
          lstmLabPanel: { gradientChart: { height: number; legend: { top: number; bottom: number; legendItems: unknown[] }; scales: Record<string, { ticks: { value: number }[] }> } };
        }
      ).lstmLabPanel.gradientChart;
      return { ticks: chart.scales.y.ticks.map((t) => t.value), legendBottom: chart.legend.bottom, legendItems: chart.legend.legendItems.length, height: chart.height };
    });
    const exponents = layout.ticks.map((v) => Math.log10(v));
    assert.ok(
      exponents.every((e) => Math.abs(e - Math.round(e)) < 1e-9),
      `ticks are powers of ten: ${layout.ticks}`,
    );
    const steps = new Set(exponents.slice(1).map((e, i) => Math.round(e - exponents[i])));
    assert.equal(steps.size, 1, `evenly spaced: ${layout.ticks}`);
    assert.ok(layout.ticks.length >= 3 && layout.ticks.length <= 7, `${layout.ticks.length} ticks`);
    assert.equal(layout.legendItems, 5);
    assert.ok(layout.legendBottom <= layout.height, `legend ends at ${layout.legendBottom} of ${layout.height} px`);
    assert.deepEqual(errors, []);
  });

  it("after a probe of the user's code, a note under the gradient chart says which line is which and what a gap means", async () => {
    const { page, errors } = await openPanel({ width: 300, height: 900, theme: LIGHT_MODERN });
    const note = () => page.$eval('[data-note="gradient-pairs"]', (p) => ((p as HTMLElement).hidden ? null : p.textContent));
    await send(page, { type: 'runs', runs: [probeRun()] });
    assert.equal(await note(), null, 'no note for the notebook series');
    const [mine, reference] = probeSeries().slice(2, 4);
    const ownCode: RunRecord = {
      ...probeRun(),
      id: 'own',
      createdAt: probeRun().createdAt + 1,
      title: 'MyLSTM · your code',
      probeSeries: [
        { ...mine, name: 'your code: MyLSTM', origin: 'your-code' },
        { ...reference, name: 'reference LSTM', origin: 'reference' },
      ],
    };
    await send(page, { type: 'runs', runs: [probeRun(), ownCode] });
    const text = await note();
    assert.match(text ?? '', /^Solid: your code; dashed: the reference cell/);
    // The fixture's two lines differ from the first step (0.97^t against 0.9^t).
    assert.match(text ?? '', /Here they part at step 1 \(your code: MyLSTM\)\.$/);
    assert.deepEqual(errors, []);
  });

  it('runs table at 300 px: every value of a comparison is on screen, with its column name, without scrolling sideways', async () => {
    const { page, errors } = await openPanel({ width: 300, height: 1400, theme: LIGHT_MODERN });
    await send(page, { type: 'runs', runs: compareRuns() });
    const cells = await page.$$eval('.runs-table td[data-column]', (tds) =>
      tds.map((td) => {
        const r = td.getBoundingClientRect();
        return { column: td.getAttribute('data-column'), left: r.left, right: r.right, width: r.width, label: getComputedStyle(td, '::before').content };
      }),
    );
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    assert.equal(cells.length, 4 * 11);
    for (const cell of cells) {
      assert.ok(cell.width > 0 && cell.left >= 0 && cell.right <= width + 0.5, `${cell.column} at ${cell.left}–${cell.right} of ${width} px`);
      if (cell.column !== 'run') assert.notEqual(cell.label, 'none', `${cell.column} names its column`);
    }
    const scrolls = await page.$eval('.runs-scroll', (e) => e.scrollWidth > e.clientWidth + 1);
    assert.equal(scrolls, false);
    await page.locator('[data-section="runs"]').screenshot({ path: path.join(screenshotDir, 'runs-300px.png') });
    assert.deepEqual(errors, []);
  });

  it("a probe's card at 300 px: its series, steps, forget-bias variants and each series' norm at the last step, one per line", async () => {
    const { page, errors } = await openPanel({ width: 300, height: 1400, theme: LIGHT_MODERN });
    const run = probeRun();
    await send(page, { type: 'runs', runs: [run] });
    const facts = await page.$$eval('.runs-table td[data-column="probe"] .probe-fact', (spans) =>
      spans.map((s) => ({ text: s.textContent ?? '', top: s.getBoundingClientRect().top, right: s.getBoundingClientRect().right })),
    );
    assert.deepEqual(
      facts.map((f) => f.text.split(':')[0]),
      ['Series', 'Steps', 'Forget bias', '‖∂loss/∂h₀‖ at step 100'],
    );
    assert.ok(
      facts.every((f, k) => k === 0 || f.top > facts[k - 1].top),
      'one fact per line',
    );
    const width = await page.evaluate(() => document.documentElement.clientWidth);
    assert.ok(
      facts.every((f) => f.right <= width + 0.5),
      'nothing off the side',
    );
    // Each series' value is its norm at step 100, to the digits shown.
    const items = await page.$$eval('.runs-table td[data-column="probe"] .probe-fact:last-child .probe-fact-item', (spans) =>
      spans.map((s) => ({ text: s.textContent ?? '', top: s.getBoundingClientRect().top })),
    );
    assert.ok(
      items.every((item, k) => k === 0 || item.top > items[k - 1].top),
      'one series per line',
    );
    const shown = items.map((item) => item.text);
    assert.equal(shown.length, run.probeSeries.length);
    run.probeSeries.forEach((series, k) => {
      assert.ok(shown[k].startsWith(`${series.name} `), shown[k]);
      const value = Number(shown[k].slice(series.name.length + 1));
      const expected = series.norms[99];
      assert.ok(Math.abs(value - expected) <= 0.06 * expected, `${series.name}: shows ${value}, norm at step 100 is ${expected}`);
    });
    // No "—" for the losses a probe does not have; nor, on a probe of the user's code (run in
    // Python, not by our engine), for its backend and configuration.
    assert.doesNotMatch(await page.$eval('.runs-table tr[data-kind="probe"]', (tr) => tr.textContent ?? ''), /—/);
    const { backend: _backend, probeConfig: _config, ...bare } = run;
    await send(page, { type: 'runs', runs: [{ ...bare, id: 'own', probeSeries: run.probeSeries.map((s) => ({ ...s, origin: 'your-code' as const })) }] });
    const own = await page.$eval('.runs-table tr[data-kind="probe"]', (tr) => ({
      text: tr.textContent ?? '',
      shown: [...tr.querySelectorAll('td')].filter((td) => getComputedStyle(td).display !== 'none').map((td) => td.getAttribute('data-column')),
    }));
    assert.doesNotMatch(own.text, /—/);
    assert.deepEqual(own.shown, ['run', 'epochTime', 'probe', 'status', 'cell']);
    await send(page, { type: 'runs', runs: [run] });
    await page.locator('[data-section="runs"]').screenshot({ path: path.join(screenshotDir, 'runs-probe-300px.png') });
    // Wide, as a table: the facts wrap inside their cell, clear of the status column.
    await page.setViewportSize({ width: 1100, height: 800 });
    await send(page, { type: 'runs', runs: [...compareRuns(), run] });
    const box = await page.$eval('.runs-table tr[data-kind="probe"]', (tr) => {
      const rect = (selector: string) => tr.querySelector(selector)!.getBoundingClientRect();
      return {
        facts: rect('td[data-column="probe"]'),
        status: rect('td[data-column="status"]'),
        items: [...tr.querySelectorAll('.probe-fact, .probe-fact-item')].map((e) => e.getBoundingClientRect().right),
      };
    });
    assert.ok(box.facts.right <= box.status.left + 0.5, `facts end at ${box.facts.right}, status starts at ${box.status.left}`);
    assert.ok(
      box.items.every((right) => right <= box.facts.right + 0.5),
      `a fact runs past its cell (${Math.max(...box.items)} > ${box.facts.right})`,
    );
    await page.locator('[data-section="runs"]').screenshot({ path: path.join(screenshotDir, 'runs-probe-wide.png') });
    assert.deepEqual(errors, []);
  });

  it('switches the loss chart to wall-clock time', async () => {
    const { page } = await openPanel();
    await send(page, { type: 'runs', runs: compareRuns() });
    await page.evaluate(() => {
      const select = document.querySelector('vscode-single-select.x-axis-select') as HTMLElement & { value: string };
      select.value = 'time';
      select.dispatchEvent(new Event('change'));
    });
    await settle(page);
    const loss = await chart(page, 'lossChart');
    assert.match(loss.xTitle, /time/);
    // NaiveLSTM's epoch took 17:04: its last batch and its validation point sit at 1024 s.
    assert.ok(Math.abs((loss.datasets[0].last.x as number) - 1024) < 1e-6);
    assert.equal(loss.datasets[1].last.x, 1024);
  });

  it('marks exactly the highlighted equation line, moves it, and clears it on null', async () => {
    const { page } = await openPanel();
    await send(page, { type: 'highlight', gate: 'f' });
    assert.deepEqual(await highlightedGates(page), ['f']);
    await send(page, { type: 'highlight', gate: 'c' });
    assert.deepEqual(await highlightedGates(page), ['c']);
    await send(page, { type: 'highlight', gate: 'r' }); // a GRU gate: no LSTM line to mark
    assert.deepEqual(await highlightedGates(page), []);
    await send(page, { type: 'highlight', gate: 'o' }, { type: 'highlight', gate: null });
    assert.deepEqual(await highlightedGates(page), []);
  });

  it('repeats a lit equation that is off screen at the top of the panel, without scrolling; a click on it reveals the equations', async () => {
    const { page, errors } = await openPanel({ width: 300, height: 600, theme: LIGHT_MODERN });
    await send(page, { type: 'runs', runs: [...compareRuns(), probeRun()] });
    const litLine = () =>
      page.$eval('.lit-equation', (e) => {
        const box = e.getBoundingClientRect();
        return { hidden: (e as HTMLElement).hidden || box.height === 0, gate: e.getAttribute('data-gate'), top: Math.round(box.top), text: e.textContent ?? '' };
      });
    const equationTop = () => page.$eval('.equation-line[data-gate="c"]', (e) => e.getBoundingClientRect().top);
    assert.ok((await equationTop()) > 600, 'the cell-state equation starts below the fold');
    assert.equal((await litLine()).hidden, true, 'nothing lit: no line');
    await send(page, { type: 'highlight', gate: 'c' });
    const shown = await litLine();
    assert.deepEqual({ hidden: shown.hidden, gate: shown.gate, top: shown.top }, { hidden: false, gate: 'c', top: 0 });
    assert.match(shown.text, /cell state/i, 'it names the gate');
    assert.ok((await page.$$('.lit-equation .katex')).length === 1, 'the same KaTeX equation');
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'a cursor move does not scroll the panel');
    // Scrolled down, the line stays at the top of the view.
    await page.evaluate(() => window.scrollBy(0, 300));
    await settle(page);
    assert.deepEqual({ hidden: (await litLine()).hidden, top: (await litLine()).top }, { hidden: false, top: 0 });
    await send(page, { type: 'highlight', gate: 'f' });
    assert.equal((await litLine()).gate, 'f', 'it follows the cursor to another gate');
    await page.screenshot({ path: path.join(screenshotDir, 'panel-lit-equation.png') });
    await page.click('.lit-equation');
    await page.waitForTimeout(900); // the smooth scroll
    assert.equal(await page.$eval('[data-section="equations"]', (e) => e.classList.contains('just-revealed')), true, 'the Equations section is revealed');
    const row = await page.$eval('.equation-line[data-gate="f"]', (e) => ({ top: e.getBoundingClientRect().top, lit: e.classList.contains('highlighted') }));
    assert.ok(row.lit && row.top >= 0 && row.top < 600, `the lit equation is on screen (${row.top} px)`);
    assert.equal((await litLine()).hidden, true, 'in view: no repeated line');
    await send(page, { type: 'highlight', gate: 'o' });
    assert.equal((await litLine()).hidden, true, 'another gate whose line is in view: still none');
    await page.evaluate(() => window.scrollTo(0, 0));
    await settle(page);
    assert.equal((await litLine()).gate, 'o', 'scrolled away: back again');
    await send(page, { type: 'highlight', gate: null });
    assert.equal((await litLine()).hidden, true, 'nothing lit: gone');
    assert.deepEqual(errors, []);
  });

  it('the lit-equation line names its cell in the side view, and the charts editor tab has none (its cursor is in the editor beside it)', async () => {
    const gateByGate = {
      type: 'equations',
      cell: 'naive-lstm',
      title: 'GateByGateLSTM — LSTM, per-gate weights',
      lines: (['i', 'f', 'g', 'o', 'c', 'h'] as const).map((gate) => ({ gate, label: GATE_LABELS[gate], latex: `${gate}_t` })),
    };
    const litLine = (page: Page) =>
      page.$eval('.lit-equation', (e) => ({ hidden: (e as HTMLElement).hidden || e.getBoundingClientRect().height === 0, text: e.textContent ?? '', hover: e.getAttribute('title') ?? '' }));
    const side = await openPanel({ width: 300, height: 600 });
    await send(side.page, { type: 'runs', runs: [...compareRuns(), probeRun()] }, gateByGate, { type: 'highlight', gate: 'c' });
    const shown = await litLine(side.page);
    assert.equal(shown.hidden, false, 'the side view repeats the off-screen lit equation');
    assert.match(shown.text, /GateByGateLSTM:/, 'it says which cell the lit equation is from');
    const cellBox = await side.page.$eval('.lit-equation-cell', (e) => ({ width: e.getBoundingClientRect().width, right: e.getBoundingClientRect().right }));
    assert.ok(cellBox.width > 40 && cellBox.right <= 300, `the cell's name is on screen at 300 px (${JSON.stringify(cellBox)})`);
    await side.page.screenshot({ path: path.join(screenshotDir, 'panel-lit-equation-cell-300.png'), clip: { x: 0, y: 0, width: 300, height: 80 } });
    assert.match(shown.hover, /GateByGateLSTM — LSTM, per-gate weights/);
    const tab = await openPanel({ width: 750, height: 600, surface: 'editor' });
    await send(tab.page, { type: 'runs', runs: [...compareRuns(), probeRun()] }, gateByGate, { type: 'highlight', gate: 'c' });
    assert.ok((await tab.page.$eval('.equation-line[data-gate="c"]', (e) => e.getBoundingClientRect().top)) > 600, 'the lit equation is below the fold in the tab too');
    assert.equal((await litLine(tab.page)).hidden, true, 'no lit-equation line at the top of the charts tab');
    assert.deepEqual(await highlightedGates(tab.page), ['c'], 'the equation itself is still lit in the tab');
    assert.deepEqual([...side.errors, ...tab.errors], []);
  });

  it('shows "your code differs" under the marked equation in text readable on its background (WCAG contrast >= 4.5) in light and dark', async () => {
    for (const theme of [LIGHT_MODERN, DARK_MODERN]) {
      const { page, errors } = await openPanel({ width: 300, height: 900, theme });
      const verdict = { cell: 'TanhRNN (cell 11, line 1)', verdict: 'differs', message: 'h on line 16 differs from step 0', gate: 'h' };
      await send(page, { type: 'codeVerdict', verdict }, { type: 'highlight', gate: 'h' });
      const label = page.locator('.equation-line[data-gate="h"] .equation-departs');
      assert.equal(await label.textContent(), 'your code differs');
      const [{ ratio }] = await renderedContrast(page, '.equation-line[data-gate="h"] .equation-departs');
      await page.locator('[data-section="equations"]').screenshot({ path: path.join(screenshotDir, `equation-departs-${theme.bodyClass}.png`) });
      console.log(`      ${theme.bodyClass}: "your code differs" contrast ${ratio.toFixed(2)}`);
      assert.ok(ratio >= 4.5, `${theme.bodyClass}: contrast ${ratio.toFixed(2)} is below 4.5`);
      assert.deepEqual(errors, []);
    }
  });

  it('highlights a line on hover and asks the host to reveal its gate on click', async () => {
    const { page, posted } = await openPanel();
    await send(page, { type: 'highlight', gate: 'i' });
    await page.hover('.equation-line[data-gate="g"]');
    assert.deepEqual(await highlightedGates(page), ['g']);
    await page.mouse.move(0, 0);
    assert.deepEqual(await highlightedGates(page), ['i'], "leaving the line restores the host's highlight");
    await page.click('.equation-line[data-gate="o"]');
    await page.focus('.equation-line[data-gate="h"]');
    await page.keyboard.press('Enter');
    const reveals = (await posted()).filter((m) => m.type === 'revealGate');
    assert.deepEqual(reveals, [
      { type: 'revealGate', gate: 'o' },
      { type: 'revealGate', gate: 'h' },
    ]);
  });

  it("replaces the equations with the host's: a simple RNN's single line, an LSTM without forget gate", async () => {
    const { page } = await openPanel();
    await send(page, { type: 'equations', cell: 'simple-rnn', title: 'SimpleRNN', lines: [{ gate: 'h', label: GATE_LABELS.h, latex: 'h_t = \\tanh(x_t W_{ih} + h_{t-1} W_{hh} + b)' }] });
    assert.deepEqual(await page.$$eval('.equation-line', (r) => r.map((x) => x.getAttribute('data-gate'))), ['h']);
    assert.equal(await page.$eval('.equations-title', (p) => p.textContent), 'SimpleRNN');
    await send(page, { type: 'highlight', gate: 'h' });
    assert.deepEqual(await highlightedGates(page), ['h']);
    await send(page, {
      type: 'equations',
      cell: 'lstm-no-forget',
      title: 'LSTM without forget gate',
      lines: [
        { gate: 'i', label: 'input gate', latex: 'i_t = \\sigma(x_t W_{ii} + h_{t-1} W_{hi} + b_i)' },
        { gate: 'c', label: 'cell state', latex: 'c_t = c_{t-1} + i_t \\odot g_t' },
        { gate: 'x', label: 'not a gate', latex: 'x' },
      ],
    });
    // The malformed line makes the whole message malformed: it is ignored.
    assert.deepEqual(await page.$$eval('.equation-line', (r) => r.map((x) => x.getAttribute('data-gate'))), ['h']);
    await send(page, {
      type: 'equations',
      cell: 'lstm-no-forget',
      title: 'LSTM without forget gate',
      lines: [
        { gate: 'c', label: 'cell state', latex: 'c_t = c_{t-1} + i_t \\odot g_t' },
        { gate: 'f', label: 'bad', latex: '\\frac{' },
      ],
    });
    const lines = await page.$$eval('.equation-line', (r) =>
      r.map((x) => ({ gate: x.getAttribute('data-gate'), katex: !!x.querySelector('.katex'), error: x.querySelector('.equation-error')?.textContent ?? null })),
    );
    assert.deepEqual(
      lines,
      [
        { gate: 'c', katex: true, error: null },
        { gate: 'f', katex: false, error: '\\frac{' },
      ],
      'LaTeX KaTeX cannot parse is shown as source',
    );
  });

  it('ignores malformed messages with a console warning and keeps working', async () => {
    const { page, warnings, errors } = await openPanel();
    await send(page, { type: 'runs', runs: compareRuns() });
    const before = await chart(page, 'lossChart');
    await send(
      page,
      null,
      'runs',
      { type: 'nonsense' },
      { type: 'runs', runs: 'not an array' },
      { type: 'runs', runs: [{ id: 1 }] },
      { type: 'progress', runId: 'compare-naive-lstm' },
      { type: 'highlight', gate: 'q' },
      { type: 'probeSeries', runId: 'x', series: { name: 'n', norms: 'no' } },
    );
    assert.equal(warnings.filter((w) => /ignored a malformed message/.test(w)).length, 8);
    assert.deepEqual(errors, []);
    assert.deepEqual(await chart(page, 'lossChart'), before);
    assert.equal((await tableRows(page)).length, 4);
    await send(page, { type: 'highlight', gate: 'g' });
    assert.deepEqual(await highlightedGates(page), ['g']);
  });

  it('shows text from runs as text, never as markup', async () => {
    const { page } = await openPanel();
    const [run] = compareRuns();
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await send(page, { type: 'runUpdated', run: { ...run, title: evil, status: 'failed', reason: `out of memory ${evil}`, corpus: { ...run.corpus!, name: evil } } });
    const row = (await tableRows(page))[0];
    assert.equal(await page.$eval('.run-title', (s) => s.textContent), evil);
    assert.equal(row.cells.status, `failed: out of memory ${evil}`);
    assert.ok(row.cells.configuration.startsWith(evil));
    assert.equal(await page.$$eval('main img, main b', (e) => e.length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('answers exportCharts with a PNG of each chart', async () => {
    const { page, posted } = await openPanel({ theme: DARK_MODERN });
    await send(page, { type: 'runs', runs: [...compareRuns(), probeRun()] }, { type: 'exportCharts' });
    const reply = (await posted()).find((m): m is Extract<WebviewToHost, { type: 'chartImages' }> => m.type === 'chartImages');
    assert.ok(reply, 'a chartImages message was posted');
    assert.deepEqual(
      reply.images.map((i) => i.name),
      ['loss.png', 'gradient.png'],
    );
    for (const image of reply.images) {
      const bytes = Buffer.from(image.pngDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
      // PNG IHDR: width and height, big-endian, at bytes 16 and 20 (900×500 at device pixel ratio 2).
      assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1800, 1000]);
      fs.writeFileSync(path.join(screenshotDir, `export-${image.name}`), bytes);
    }
    // Only the named run: a probe run gives only the gradient chart.
    await send(page, { type: 'exportCharts', runId: 'probe-1' });
    const replies = (await posted()).filter((m): m is Extract<WebviewToHost, { type: 'chartImages' }> => m.type === 'chartImages');
    assert.deepEqual(
      replies[1].images.map((i) => i.name),
      ['gradient.png'],
    );
  });

  it('posts a command for each toolbar button', async () => {
    const { page, posted } = await openPanel();
    await send(page, { type: 'runUpdated', run: runningRun() });
    for (const command of ['train', 'compare', 'probe', 'stop', 'export', 'clear']) await page.click(`vscode-button[data-command="${command}"]`);
    assert.deepEqual(
      (await posted()).filter((m) => m.type === 'command'),
      ['train', 'compare', 'probe', 'stop', 'export', 'clear'].map((command) => ({ type: 'command', command })),
    );
  });

  it('restores its runs and choices from getState when the view is shown again', async () => {
    const first = await openPanel();
    await send(first.page, { type: 'runs', runs: [...compareRuns(), probeRun()] }, { type: 'highlight', gate: 'o' });
    await first.page.click('vscode-checkbox.log-scale');
    await first.page.click('tr[data-run-id="compare-simple-rnn"] vscode-checkbox');
    // Both choices must be saved before the view goes away (the two clicks are handled asynchronously).
    await first.page.waitForFunction(() => {
      const saved = (window as unknown as { __getState: () => { logScale?: boolean; hiddenRunIds?: string[] } | undefined }).__getState();
      return saved?.logScale === false && (saved.hiddenRunIds ?? []).includes('compare-simple-rnn');
    });
    const saved = await first.page.evaluate(() => (window as unknown as { __getState: () => unknown }).__getState());
    await first.context.close();
    const second = await openPanel({ savedState: saved });
    assert.equal((await tableRows(second.page)).length, 5);
    assert.equal((await chart(second.page, 'gradientChart')).yType, 'linear');
    const labels = (await chart(second.page, 'lossChart')).datasets.map((d) => d.label);
    assert.ok(!labels.some((l) => l.startsWith('SimpleRNN')), 'the unticked run stays off the chart');
    assert.equal(labels.length, 6);
    assert.deepEqual(await highlightedGates(second.page), ['o']);
  });

  it('re-colours the charts from the --vscode-charts-* variables when the theme changes', async () => {
    const { page } = await openPanel({ theme: LIGHT_MODERN });
    await send(page, { type: 'runs', runs: [...compareRuns(), probeRun()] });
    let loss = await chart(page, 'lossChart');
    assert.equal(loss.datasets[0].borderColor, LIGHT_MODERN.variables['--vscode-charts-blue']);
    assert.equal(loss.tickColor, LIGHT_MODERN.variables['--vscode-charts-foreground']);
    await applyTheme(page, DARK_MODERN);
    loss = await chart(page, 'lossChart');
    assert.equal(loss.datasets[0].borderColor, DARK_MODERN.variables['--vscode-charts-blue']);
    assert.equal(loss.tickColor, DARK_MODERN.variables['--vscode-charts-foreground']);
    // A theme with its own palette (high contrast, a custom theme): its colours, not defaults.
    await applyTheme(page, {
      bodyClass: 'vscode-high-contrast',
      themeKind: 'vscode-high-contrast',
      variables: { ...DARK_MODERN.variables, '--vscode-charts-blue': '#ff00ff', '--vscode-charts-foreground': '#ffffff' },
    });
    const gradient = await chart(page, 'gradientChart');
    assert.equal(gradient.datasets[0].borderColor, '#ff00ff');
    assert.equal(gradient.tickColor, '#ffffff');
  });

  for (const theme of [LIGHT_MODERN, DARK_MODERN]) {
    const name = theme === LIGHT_MODERN ? 'light' : 'dark';
    it(`takes a screenshot in the ${name} theme after a comparison and a probe`, async () => {
      const { page, errors } = await openPanel({ theme, width: 520, height: 700 });
      await send(page, { type: 'runs', runs: [...compareRuns(), probeRun()] }, { type: 'highlight', gate: 'f' });
      await page.evaluate(() => document.fonts.ready);
      await settle(page);
      const file = path.join(screenshotDir, `panel-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10_000);
      assert.deepEqual(errors, []);
    });
  }
});
