// The panel's page in an editor tab, at full width: the same webview bundle and messages as
// the side view (PanelProvider attaches it, so both get every update), one tab at a time, and
// brought back by VS Code after a reload through the webview panel serializer. The page keeps
// its own view choices with setState, which VS Code restores with the tab.
import * as vscode from 'vscode';
import type { PanelProvider } from './panel';

export const CHARTS_EDITOR_VIEW_TYPE = 'lstmLab.charts';
const TITLE = 'LSTM Lab Charts';

export class ChartsEditor {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly provider: PanelProvider,
    private readonly log: (line: string) => void,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens the tab, or brings the open one to the front. */
  open(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(CHARTS_EDITOR_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, { enableScripts: true });
    this.adopt(panel);
    return panel;
  }

  /** A tab VS Code brings back after a reload (or one the tests make the same way). */
  restore(panel: vscode.WebviewPanel): void {
    this.log('charts editor: restored after a reload');
    this.adopt(panel);
  }

  /** Registers the serializer, so a charts tab open at a reload comes back. */
  register(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(CHARTS_EDITOR_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => this.restore(panel),
    });
  }

  private adopt(panel: vscode.WebviewPanel): void {
    // Only one tab: a second restored one (two windows' worth of state) replaces the first.
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    panel.title = TITLE;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    this.provider.attach(panel.webview, 'editor', panel.onDidDispose);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
  }
}
