// The side panel: a webview view in LSTM Lab's own activity-bar container. It gets the runs
// on `ready` (so hiding, showing and reloading restore it from the store), then streams
// updates. Every message from the webview is validated; malformed ones are logged and dropped.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { shownEquations } from '../shared/catalog';
import type { CellKind, GateName } from '../engine/types';
import { isWebviewToHost, type ExportCsvFile, type HostToWebview, type PanelSection, type RunRecord, type WebviewToHost } from '../protocol';
import { renderPanelHtml } from './panel-html';

export const PANEL_VIEW_ID = 'lstmLab.panel';

export type ChartImage = { name: string; pngDataUrl: string };
/** The panel's answer to exportCharts: chart images, and CSV files of the inspection views' data. */
export type ChartExport = { images: ChartImage[]; csv: ExportCsvFile[] };
export type InspectMessage = Extract<WebviewToHost, { type: 'inspect' }>;

const COMMAND_IDS: Record<Extract<WebviewToHost, { type: 'command' }>['command'], string> = {
  train: 'lstmLab.train',
  compare: 'lstmLab.compare',
  probe: 'lstmLab.probe',
  stop: 'lstmLab.stop',
  clear: 'lstmLab.clearRuns',
  export: 'lstmLab.exportRun',
};

export class PanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly revealGateEmitter = new vscode.EventEmitter<GateName>();
  /** The webview asked to reveal the code line of a gate (the CodeLens module answers it). */
  readonly onDidRequestRevealGate = this.revealGateEmitter.event;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  readonly onDidBecomeReady = this.readyEmitter.event;
  private readonly inspectEmitter = new vscode.EventEmitter<InspectMessage>();
  /** The webview asked to look inside a run (src/host/inspect.ts answers it). */
  readonly onDidRequestInspect = this.inspectEmitter.event;
  private pendingImages: { resolve: (answer: ChartExport) => void; timer: NodeJS.Timeout } | undefined;
  private lastHighlight: GateName | null = null;
  private lastEquations: Extract<HostToWebview, { type: 'equations' }> | undefined;
  private ready = false;
  /** A section to reveal once the webview is ready (it was asked for while the view was loading). */
  private pendingReveal: PanelSection | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getRuns: () => RunRecord[],
    private readonly log: (line: string) => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot, vscode.Uri.joinPath(this.extensionUri, 'media')] };
    try {
      view.webview.html = renderPanelHtml({
        cspSource: view.webview.cspSource,
        nonce: randomBytes(18).toString('base64'),
        scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'webview.js')).toString(),
        styleUris: [
          view.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'katex.min.css')).toString(),
          view.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'panel.css')).toString(),
        ],
      });
    } catch (error) {
      this.log(`panel: could not render its HTML: ${(error as Error).message}`);
    }
    view.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    view.onDidDispose(() => {
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  post(message: HostToWebview): void {
    if (message.type === 'highlight') this.lastHighlight = message.gate;
    if (message.type === 'equations') this.lastEquations = message;
    if (!this.view || !this.ready) return; // on `ready` the webview gets the full state
    void this.view.webview.postMessage(message).then(undefined, (error: Error) => this.log(`panel: post failed: ${error.message}`));
  }

  /** Highlights one equation line (the gate under the editor's cursor), or none. */
  highlight(gate: GateName | null): void {
    this.post({ type: 'highlight', gate });
  }

  /** Shows the equations of a cell kind (the one being trained or probed, or under the cursor). */
  showEquations(cell: CellKind, forgetGate = true): void {
    let shown;
    try {
      shown = shownEquations(cell, forgetGate);
    } catch (error) {
      this.log(`panel: no equations for ${cell}: ${(error as Error).message}`);
      return;
    }
    this.post({ type: 'equations', ...shown });
  }

  /**
   * Reveals the panel. By default the keyboard focus stays where the user is typing (a lens
   * or a command should not send the next keystroke to the panel); Show Panel takes it.
   * The very first reveal of a session creates the view, which VS Code only does by focusing it.
   */
  async show(options: { preserveFocus?: boolean } = {}): Promise<void> {
    const preserveFocus = options.preserveFocus ?? true;
    if (this.view) {
      this.view.show(preserveFocus);
      return;
    }
    // Never resolved yet: only the view's focus command creates it, and it takes the focus this
    // once. (Handing the focus back from here, while the command that asked goes on, raced with
    // edits in the editor: a dirty document was written to disk in the integration suites.)
    await vscode.commands.executeCommand(`${PANEL_VIEW_ID}.focus`);
  }

  /** Shows the panel and opens, scrolls to and marks one of its sections. */
  async reveal(section: PanelSection, options: { preserveFocus?: boolean } = {}): Promise<void> {
    await this.show(options);
    if (this.ready) this.post({ type: 'reveal', section });
    else this.pendingReveal = section;
  }

  /** Asks the webview for a PNG of each chart (optionally the charts of one run). */
  async requestChartImages(runId?: string, timeoutMs = 15_000): Promise<ChartImage[]> {
    return (await this.requestChartExport(runId, timeoutMs)).images;
  }

  /** Asks the webview for a PNG of each chart and a CSV of each inspection view's data. */
  async requestChartExport(runId?: string, timeoutMs = 15_000): Promise<ChartExport> {
    if (!this.ready) {
      await this.show();
      await waitFor(() => this.ready, timeoutMs);
    }
    if (!this.ready) throw new Error('the LSTM Lab panel did not open, so its charts could not be exported; open it (LSTM Lab: Show Panel) and try again.');
    this.pendingImages?.resolve({ images: [], csv: [] });
    return new Promise<ChartExport>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingImages = undefined;
        reject(new Error(`the panel did not send its chart images within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      this.pendingImages = { resolve, timer };
      this.post({ type: 'exportCharts', ...(runId ? { runId } : {}) });
    });
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      let text: string;
      try {
        text = JSON.stringify(message)?.slice(0, 200) ?? String(message);
      } catch {
        text = String(message);
      }
      this.log(`panel: ignored a malformed message from the webview: ${text}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.view?.webview.postMessage({ type: 'runs', runs: this.getRuns() } satisfies HostToWebview);
        if (this.lastEquations) void this.view?.webview.postMessage(this.lastEquations);
        if (this.lastHighlight) void this.view?.webview.postMessage({ type: 'highlight', gate: this.lastHighlight } satisfies HostToWebview);
        if (this.pendingReveal) void this.view?.webview.postMessage({ type: 'reveal', section: this.pendingReveal } satisfies HostToWebview);
        this.pendingReveal = undefined;
        this.readyEmitter.fire();
        return;
      case 'revealGate':
        this.revealGateEmitter.fire(message.gate);
        return;
      case 'command':
        void vscode.commands.executeCommand(COMMAND_IDS[message.command]).then(undefined, (error: Error) => this.log(`panel: ${message.command} failed: ${error.message}`));
        return;
      case 'chartImages': {
        const pending = this.pendingImages;
        this.pendingImages = undefined;
        if (pending) {
          clearTimeout(pending.timer);
          pending.resolve({ images: message.images, csv: message.csv ?? [] });
        }
        return;
      }
      case 'inspect':
        this.inspectEmitter.fire(message);
        return;
    }
  }

  dispose(): void {
    this.inspectEmitter.dispose();
    this.revealGateEmitter.dispose();
    this.readyEmitter.dispose();
    if (this.pendingImages) clearTimeout(this.pendingImages.timer);
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}
