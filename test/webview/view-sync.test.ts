// The view choices shared by the side view and the charts editor tab: two copies of the
// panel's page in headless Chromium, joined by the host's own ViewSync (src/host/core/view-sync.ts)
// the way PanelProvider joins two webviews (the test only carries the messages). A choice made
// with the controls of one page shows on the other page's charts and controls, and a page
// loaded afterwards (a reload: a new ViewSync on the same saved workspace state) shows it too.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ViewSync, type ViewSurface } from '../../src/host/core/view-sync';
import { isWebviewToHost, type HostToWebview, type RunRecord } from '../../src/shared/protocol';
import { compareRuns, probeRun } from './fixtures';
import { CHROMIUM, requireChromiumAndBuild, startPanelServer } from './helpers';

const NONCE = 'dmlldy1zeW5jLXRlc3Qtbm9uY2U=';

/** The workspace state a real host saves in: here a map that outlives each "reload". */
class MemoryStore {
  readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

/** One host: a ViewSync and the webviews it serves, wired as PanelProvider wires them. */
class Host {
  readonly sync: ViewSync;
  private readonly ready = new Set<ViewSurface>();
  readonly logged: string[] = [];
  constructor(
    store: MemoryStore,
    private readonly runs: RunRecord[],
  ) {
    this.sync = new ViewSync(store, (line) => this.logged.push(line));
  }

  receive(surface: ViewSurface, raw: string): void {
    const message: unknown = JSON.parse(raw);
    assert.ok(isWebviewToHost(message), `the page sent a message the host would drop: ${raw}`);
    if (message.type === 'ready') {
      this.ready.add(surface);
      this.sync.ready(surface);
      surface.send({ type: 'runs', runs: this.runs });
    } else if (message.type === 'viewState') {
      this.sync.changed(message.view, surface, this.ready);
    }
  }
}

interface Shown {
  logScale: boolean;
  logScaleBox: boolean;
  xTitle: string;
  xAxisSelect: string;
  lossLabels: string[];
  gradientRun: string;
}

describe('view choices kept in step between the side view and the charts editor tab', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: http.Server;
  let origin: string;
  const contexts: BrowserContext[] = [];
  const runs = [...compareRuns(), { ...probeRun(), id: 'probe-older', title: 'older probe', createdAt: 1 }, probeRun()];

  before(async () => {
    requireChromiumAndBuild();
    ({ server, origin } = await startPanelServer(NONCE));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** A page of the panel joined to `host`; `saved`: what its own getState returns (its choices before a reload). */
  async function openPage(host: Host, width: number, saved?: unknown): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const surface: ViewSurface = {
      send: (message: HostToWebview) => void page.evaluate((m) => window.postMessage(m, '*'), message),
    };
    await page.exposeFunction('__toHost', (raw: string) => host.receive(surface, raw));
    // A string, not a function: tsx would wrap a function's inner names with its __name helper, absent in the page.
    await context.addInitScript({
      content: `window.__name = (f) => f; const saved = ${JSON.stringify(saved ?? null)};
        window.acquireVsCodeApi = () => ({ postMessage(m) { window.__toHost(JSON.stringify(m)); }, getState() { return saved ?? undefined; }, setState() {} });`,
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as { lstmLabPanel?: { lossChart?: { data: { datasets: unknown[] } } } }).lstmLabPanel?.lossChart?.data.datasets.length);
    return page;
  }

  async function shown(page: Page): Promise<Shown> {
    return page.evaluate(() => {
      type ChartLike = { options: { scales: { x: { title: { text: string } }; y: { type: string } } }; data: { datasets: { label: string }[] } };
      const panel = (window as unknown as { lstmLabPanel: { lossChart: ChartLike; gradientChart: ChartLike; flush(): void } }).lstmLabPanel;
      panel.flush();
      return {
        logScale: panel.gradientChart.options.scales.y.type === 'logarithmic',
        logScaleBox: (document.querySelector('.log-scale') as HTMLElement & { checked: boolean }).checked,
        xTitle: panel.lossChart.options.scales.x.title.text,
        xAxisSelect: (document.querySelector('.x-axis-select') as HTMLElement & { value: string }).value,
        lossLabels: panel.lossChart.data.datasets.map((d) => d.label).filter((l) => !l.endsWith('(val)')),
        gradientRun: document.querySelector('.gradient-run')?.textContent ?? '',
      };
    });
  }

  /** Polls the page until `ok` holds (the message crosses the host asynchronously). */
  async function until(page: Page, what: string, ok: (s: Shown) => boolean): Promise<Shown> {
    const deadline = Date.now() + 10_000;
    let last = await shown(page);
    while (!ok(last)) {
      if (Date.now() > deadline) assert.fail(`${what}: the page shows ${JSON.stringify(last)}`);
      await page.waitForTimeout(100);
      last = await shown(page);
    }
    return last;
  }

  it('a choice made in one page shows in the other, and a page loaded later (after a reload) shows them all', async () => {
    const store = new MemoryStore();
    const host = new Host(store, runs);
    const side = await openPage(host, 400);
    const editor = await openPage(host, 1400);
    const trainTitles = runs.filter((r) => r.kind === 'train').map((r) => r.title);
    const before = await shown(editor);
    assert.equal(before.logScale, true, 'the gradient chart starts on a log scale');
    assert.match(before.xTitle, /step/);
    assert.deepEqual(before.lossLabels, trainTitles);
    assert.equal(before.gradientRun, probeRun().title, 'the latest probe is drawn');

    // Side view: untick log scale, with its checkbox.
    await side.click('.log-scale');
    let seen = await until(editor, 'log scale off in the editor tab', (s) => !s.logScale);
    assert.equal(seen.logScaleBox, false, "the editor tab's checkbox follows");

    // Editor tab: x axis by time, with its select.
    await editor.evaluate(() => {
      const select = document.querySelector('.x-axis-select') as HTMLElement & { value: string };
      select.value = 'time';
      select.dispatchEvent(new Event('change'));
    });
    seen = await until(side, 'x axis by time in the side view', (s) => /time/.test(s.xTitle));
    assert.equal(seen.xAxisSelect, 'time');
    assert.equal(seen.logScale, false, 'the earlier choice holds');

    // Side view: hide the first train run and draw the older probe, from the runs table.
    const hiddenRun = runs.find((r) => r.kind === 'train')!;
    await side.click(`tr[data-run-id="${hiddenRun.id}"] .run-shown`);
    await side.click('tr[data-run-id="probe-older"] .run-shown');
    seen = await until(editor, 'the run hidden and the older probe drawn in the editor tab', (s) => !s.lossLabels.includes(hiddenRun.title) && s.gradientRun === 'older probe');
    assert.deepEqual(seen.lossLabels, trainTitles.slice(1));
    assert.deepEqual(host.sync.current, { xAxis: 'time', logScale: false, hiddenRunIds: [hiddenRun.id], selectedProbeRunId: 'probe-older' });

    // A reload: a new host on the same workspace state, and a page whose own saved state is older.
    const reloaded = new Host(store, runs);
    const older = { version: 1, xAxis: 'step', logScale: true, hiddenRunIds: [] };
    const after = await until(await openPage(reloaded, 1400, older), 'the choices after a reload', (s) => /time/.test(s.xTitle) && !s.logScale);
    assert.deepEqual(after.lossLabels, trainTitles.slice(1));
    assert.equal(after.gradientRun, 'older probe');
    assert.equal(after.xAxisSelect, 'time');
    assert.equal(after.logScaleBox, false);
    assert.deepEqual([...host.logged, ...reloaded.logged], []);
  });

  it('a saved view state that is not one (hand-edited, an older version) is ignored with a log line', () => {
    const store = new MemoryStore();
    store.values.set('lstmLab.viewState', { xAxis: 'minutes', logScale: 'yes' });
    const host = new Host(store, []);
    assert.equal(host.sync.current, undefined);
    assert.match(host.logged.join('\n'), /ignored saved view choices/);
  });
});
