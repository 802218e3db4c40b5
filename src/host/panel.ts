// The side panel: a webview view in LSTM Lab's own activity-bar container, and the same page
// in an editor tab (charts-editor.ts attaches it here). Each webview gets the runs on `ready`
// (so hiding, showing and reloading restore it from the store), then every update goes to all
// of them, which keeps them in step. Every message from a webview is validated; malformed ones
// are logged and dropped.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { shownEquations } from '../shared/catalog';
import type { CellKind, GateName } from '../shared/types';
import { PendingRequests } from '../shared/requests';
import { encodeNonFinite } from '../shared/non-finite';
import { isWebviewToHost, type CodeVerdict, type ExportCsvFile, type HostToWebview, type PanelSection, type RunRecord, type ViewState, type WebviewToHost } from '../shared/protocol';
import { renderPanelHtml } from './core/panel-html';
import { ViewSync, type ViewStore, type ViewSurface } from './core/view-sync';
import { EquationsChoice } from './core/equations-choice';

export const PANEL_VIEW_ID = 'lstmLab.panel';

export type ChartImage = { name: string; pngDataUrl: string };
/** The panel's answer to exportCharts: chart images, and CSV files of the inspection views' data. */
export type ChartExport = { images: ChartImage[]; csv: ExportCsvFile[] };
export type InspectMessage = Extract<WebviewToHost, { type: 'inspect' }>;
/** An inspect request from one webview, with the way to answer that webview alone. */
export interface InspectRequestEvent {
  message: InspectMessage;
  reply: (answer: HostToWebview) => void;
}

/** One webview showing the panel's page: the side view, or the charts editor tab. */
interface Surface extends ViewSurface {
  readonly webview: vscode.Webview;
  readonly where: 'side view' | 'editor';
  ready: boolean;
}

const COMMAND_IDS: Record<Extract<WebviewToHost, { type: 'command' }>['command'], string> = {
  train: 'lstmLab.train',
  compare: 'lstmLab.compare',
  probe: 'lstmLab.probe',
  stop: 'lstmLab.stop',
  clear: 'lstmLab.clearRuns',
  export: 'lstmLab.exportRun',
};

export class PanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly surfaces = new Set<Surface>();
  private readonly revealGateEmitter = new vscode.EventEmitter<GateName>();
  /** The webview asked to reveal the code line of a gate (the CodeLens module answers it). */
  readonly onDidRequestRevealGate = this.revealGateEmitter.event;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  readonly onDidBecomeReady = this.readyEmitter.event;
  private readonly inspectEmitter = new vscode.EventEmitter<InspectRequestEvent>();
  /** A webview asked to look inside a run (src/host/inspect.ts answers it). */
  readonly onDidRequestInspect = this.inspectEmitter.event;
  private readonly postEmitter = new vscode.EventEmitter<HostToWebview>();
  /** Every message sent to the webviews (the walkthrough watches for what the user has done). */
  readonly onDidPost = this.postEmitter.event;
  /** Chart exports asked of a webview (the context), answered by its chartImages with the same requestId. */
  private readonly exports = new PendingRequests<ChartExport, Surface>('export');
  private lastHighlight: GateName | null = null;
  private lastEquations: Extract<HostToWebview, { type: 'equations' }> | undefined;
  /** The editor's cell wins over a run's: see equations-choice.ts. */
  private readonly equationsChoice = new EquationsChoice();
  private lastCodeVerdict: Extract<HostToWebview, { type: 'codeVerdict' }> | undefined;
  /** The side view, once VS Code has resolved it (show() reveals it). */
  private sideView: vscode.WebviewView | undefined;
  /** A section to reveal once the side view is ready (it was asked for while the view was loading). */
  private pendingReveal: PanelSection | undefined;
  /** The view choices all webviews share, saved in the workspace. */
  private readonly viewSync: ViewSync;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly getRuns: () => RunRecord[],
    private readonly log: (line: string) => void,
    viewStore: ViewStore,
  ) {
    this.viewSync = new ViewSync(viewStore, log);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.sideView = view;
    view.onDidDispose(() => {
      if (this.sideView === view) this.sideView = undefined;
    });
    this.attach(view.webview, 'side view', view.onDidDispose);
  }

  /** Shows the panel's page in a webview (the side view's, or an editor tab's) until it is disposed. */
  attach(webview: vscode.Webview, where: Surface['where'], onDidDispose: vscode.Event<void>): void {
    const surface: Surface = { webview, where, ready: false, send: (message) => this.send(surface, message) };
    this.surfaces.add(surface);
    const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    webview.options = { enableScripts: true, localResourceRoots: [webviewRoot, vscode.Uri.joinPath(this.extensionUri, 'media')] };
    try {
      webview.html = renderPanelHtml({
        cspSource: webview.cspSource,
        nonce: randomBytes(18).toString('base64'),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'webview.js')).toString(),
        styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'katex.min.css')).toString(), webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'panel.css')).toString()],
        surface: where,
      });
    } catch (error) {
      this.log(`panel (${where}): could not render its HTML: ${(error as Error).message}`);
    }
    const subscription = webview.onDidReceiveMessage((message: unknown) => this.receive(surface, message));
    onDidDispose(() => {
      subscription.dispose();
      this.surfaces.delete(surface);
    });
  }

  /** True when at least one webview (side view or editor) has loaded and can take messages. */
  get isReady(): boolean {
    return [...this.surfaces].some((s) => s.ready);
  }

  post(message: HostToWebview): void {
    if (message.type === 'highlight') this.lastHighlight = message.gate;
    if (message.type === 'equations') this.lastEquations = message;
    if (message.type === 'codeVerdict') this.lastCodeVerdict = message;
    // A webview not ready yet gets the full state on `ready`.
    for (const surface of this.surfaces) if (surface.ready) this.send(surface, message);
    this.postEmitter.fire(message);
  }

  private send(surface: Surface, message: HostToWebview): void {
    // postMessage goes through JSON: a NaN norm or loss would arrive as null (see non-finite.ts).
    void surface.webview.postMessage(encodeNonFinite(message)).then(undefined, (error: Error) => this.log(`panel (${surface.where}): post failed: ${error.message}`));
  }

  /** The view choices the webviews share (tests read it). */
  get viewState(): ViewState | undefined {
    return this.viewSync.current;
  }

  /** The verdict on the user's own cell the panel shows beside the equations (tests read it). */
  get codeVerdict(): CodeVerdict | null {
    return this.lastCodeVerdict?.verdict ?? null;
  }

  /** Highlights one equation line (the gate under the editor's cursor), or none. */
  highlight(gate: GateName | null): void {
    this.post({ type: 'highlight', gate });
  }

  /**
   * Shows the equations of a cell in the editor (under the cursor, asked for by its lens or
   * checked): they stay until the editor chooses others; a run's progress or end never replaces them.
   */
  showCellEquations(message: Extract<HostToWebview, { type: 'equations' }>): void {
    this.equationsChoice.chosenByEditor();
    if (JSON.stringify(this.lastEquations) !== JSON.stringify(message)) this.post(message);
  }

  /** The cursor is in an editor without recurrent cells: the next run to start may show its own equations. */
  editorLeftCells(): void {
    this.equationsChoice.editorLeftCells();
  }

  /**
   * A running run's update: shows the equations of the cell kind it trains when it starts, unless
   * the editor chose a cell's; `title` replaces the catalog's (a lens's run says whose structure it trains).
   */
  showRunEquations(runId: string, cell: CellKind, forgetGate = true, title?: string): void {
    if (!this.equationsChoice.runMayShow(runId)) return;
    let shown;
    try {
      shown = shownEquations(cell, forgetGate);
    } catch (error) {
      this.log(`panel: no equations for ${cell}: ${(error as Error).message}`);
      return;
    }
    this.post({ type: 'equations', ...shown, ...(title ? { title } : {}) });
  }

  /**
   * Reveals the panel. By default the keyboard focus stays where the user is typing (a lens
   * or a command should not send the next keystroke to the panel); Show Panel takes it.
   */
  async show(options: { preserveFocus?: boolean } = {}): Promise<void> {
    const preserveFocus = options.preserveFocus ?? true;
    if (this.sideView) {
      this.sideView.show(preserveFocus);
      return;
    }
    // Never resolved yet: only the view's focus command creates it, and that command takes
    // `{ preserveFocus }` (VS Code 1.100: it opens the view without focusing it), so the first
    // reveal of a session leaves the keyboard where the user is typing too. (Giving the focus
    // back afterwards instead raced with the command that asked, which goes on editing.)
    await vscode.commands.executeCommand(`${PANEL_VIEW_ID}.focus`, { preserveFocus });
  }

  /** Shows the panel and opens, scrolls to and marks one of its sections. */
  async reveal(section: PanelSection, options: { preserveFocus?: boolean } = {}): Promise<void> {
    await this.show(options);
    // Every ready webview marks it; the side view, if still loading, does so on `ready`.
    if ([...this.surfaces].some((s) => s.ready && s.where === 'side view')) this.post({ type: 'reveal', section });
    else {
      this.pendingReveal = section;
      this.post({ type: 'reveal', section });
    }
  }

  /** Asks the webview for a PNG of each chart (optionally the charts of one run). */
  async requestChartImages(runId?: string, timeoutMs = 15_000): Promise<ChartImage[]> {
    return (await this.requestChartExport(runId, timeoutMs)).images;
  }

  /**
   * Asks a webview for a PNG of each chart and a CSV of each inspection view's data: the side
   * view when it is up, else the editor tab, or the one named by `from`.
   */
  async requestChartExport(runId?: string, timeoutMs = 15_000, from?: Surface['where']): Promise<ChartExport> {
    const readySurface = () => [...this.surfaces].filter((s) => s.ready && (from === undefined || s.where === from)).sort((a) => (a.where === 'side view' ? -1 : 1))[0];
    if (!readySurface()) {
      if (from !== 'editor') await this.show();
      await waitFor(() => readySurface() !== undefined, timeoutMs);
    }
    const surface = readySurface();
    if (!surface)
      throw new Error(
        `the LSTM Lab ${from === 'editor' ? 'charts editor' : 'panel'} did not open, so its charts could not be exported; open it (LSTM Lab: ${from === 'editor' ? 'Open Charts in Editor' : 'Show Panel'}) and try again.`,
      );
    return this.exports.request((requestId) => this.send(surface, { type: 'exportCharts', requestId, ...(runId ? { runId } : {}) }), {
      context: surface,
      timeoutMs,
      onTimeout: () => new Error(`the panel did not send its chart images within ${timeoutMs / 1000} s.`),
    });
  }

  private receive(surface: Surface, message: unknown): void {
    if (!isWebviewToHost(message)) {
      let text: string;
      try {
        text = JSON.stringify(message)?.slice(0, 200) ?? String(message);
      } catch {
        text = String(message);
      }
      this.log(`panel: ignored a malformed message from the webview (${surface.where}): ${text}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        surface.ready = true;
        this.viewSync.ready(surface);
        this.send(surface, { type: 'runs', runs: this.getRuns() });
        if (this.lastEquations) this.send(surface, this.lastEquations);
        if (this.lastHighlight) this.send(surface, { type: 'highlight', gate: this.lastHighlight });
        if (this.lastCodeVerdict) this.send(surface, this.lastCodeVerdict);
        if (this.pendingReveal && surface.where === 'side view') {
          this.send(surface, { type: 'reveal', section: this.pendingReveal });
          this.pendingReveal = undefined;
        }
        this.readyEmitter.fire();
        return;
      case 'revealGate':
        this.revealGateEmitter.fire(message.gate);
        return;
      case 'viewState':
        this.viewSync.changed(
          message.view,
          surface,
          [...this.surfaces].filter((s) => s.ready),
        );
        return;
      case 'command':
        void vscode.commands.executeCommand(COMMAND_IDS[message.command]).then(undefined, (error: Error) => this.log(`panel: ${message.command} failed: ${error.message}`));
        return;
      case 'chartImages': {
        if (this.exports.context(message.requestId) !== surface) return; // not asked, or asked of the other webview
        this.exports.resolve(message.requestId, { images: message.images, csv: message.csv ?? [] });
        return;
      }
      case 'inspect':
        this.inspectEmitter.fire({
          message,
          reply: (answer) => {
            this.send(surface, answer);
            this.postEmitter.fire(answer);
          },
        });
        return;
      default:
        message satisfies never;
    }
  }

  dispose(): void {
    this.inspectEmitter.dispose();
    this.revealGateEmitter.dispose();
    this.readyEmitter.dispose();
    this.postEmitter.dispose();
    this.exports.rejectAll(new Error('LSTM Lab was shut down.'));
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}
