// The view choices (loss x axis, log scale, hidden runs, the probe drawn) shared by every
// webview showing the panel's page: the side view and the charts editor tab. A webview that
// changes one sends `viewState`; the host keeps it, saves it in the workspace's state (so a
// reload restores it) and passes it to the other webviews; a webview that (re)loads gets it
// on `ready`. No vscode import: PanelProvider gives it the workspace state and the webviews,
// and the webview tests drive it the same way with two pages.
import { isViewState, type HostToWebview, type ViewState } from '../../shared/protocol';

/** Where the choices are saved: the extension's workspace state (a `vscode.Memento`). */
export interface ViewStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

/** A webview showing the panel's page, as far as the view choices go. */
export interface ViewSurface {
  send(message: HostToWebview): void;
}

export const VIEW_STATE_KEY = 'lstmLab.viewState';

export class ViewSync {
  private view: ViewState | undefined;

  constructor(
    private readonly store: ViewStore,
    private readonly log: (line: string) => void,
  ) {
    const saved = store.get(VIEW_STATE_KEY);
    if (isViewState(saved)) this.view = saved;
    else if (saved !== undefined) log('panel: ignored saved view choices that are not a view state (the defaults apply)');
  }

  /** The choices every webview shows now; undefined until a user first changes one. */
  get current(): ViewState | undefined {
    return this.view;
  }

  /** A webview has loaded: it shows the shared choices rather than its own older ones. */
  ready(surface: ViewSurface): void {
    if (this.view) surface.send({ type: 'viewState', view: this.view });
  }

  /** A webview's new choices: kept, saved, and shown by every other webview. */
  changed(view: ViewState, from: ViewSurface, surfaces: Iterable<ViewSurface>): void {
    this.view = view;
    this.store.update(VIEW_STATE_KEY, view).then(undefined, (error: Error) => this.log(`panel: could not save the view choices: ${error.message}`));
    for (const surface of surfaces) if (surface !== from) surface.send({ type: 'viewState', view });
  }
}
