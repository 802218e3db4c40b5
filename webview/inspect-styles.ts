// Styles of the inspect views, adopted as a constructed stylesheet (the panel's CSP allows
// stylesheets only from the extension; constructed sheets are not inline markup), so the
// shared panel.css stays as it is. Every colour is a --vscode-* theme variable.
const CSS = `
.inspect-row { display: flex; align-items: center; flex-wrap: wrap; gap: 6px; }
.inspect-part { display: flex; flex-direction: column; gap: 6px; border-top: 1px solid var(--vscode-panel-border, transparent); padding-top: 6px; }
.inspect-part[hidden] { display: none; }
.inspect-part h4 { margin: 2px 0 0; font-size: 0.95em; font-weight: 600; }
.inspect-text, .inspect-run, .inspect-gate, .inspect-unit, .inspect-pattern, .inspect-prime, .inspect-length, .inspect-steps {
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, var(--vscode-panel-border, transparent)); border-radius: 2px; padding: 3px 5px;
}
.inspect-run, .inspect-gate { color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border-color: var(--vscode-dropdown-border, transparent); }
.inspect-run { flex: 1 1 0; min-width: 0; max-width: 100%; }
.inspect-text { width: 100%; box-sizing: border-box; resize: vertical; font-family: var(--vscode-editor-font-family, monospace); }
.inspect-unit, .inspect-length, .inspect-steps { width: 5em; }
.inspect-pattern, .inspect-prime { flex: 1; min-width: 8em; }
.inspect-text:focus, .inspect-run:focus, .inspect-gate:focus, .inspect-unit:focus, .inspect-pattern:focus, .inspect-prime:focus, .inspect-length:focus, .inspect-steps:focus, .inspect-temperature:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.inspect-temperature { accent-color: var(--vscode-focusBorder); width: 8em; }
.temperature-value { font-variant-numeric: tabular-nums; color: var(--vscode-descriptionForeground); min-width: 4.5em; }
.inspect-status, .inspect-caption, .hover-detail { margin: 0; font-size: 0.92em; color: var(--vscode-descriptionForeground); overflow-wrap: anywhere; }
.inspect-status.error { color: var(--vscode-errorForeground); }
.hover-detail { min-height: 1.3em; font-family: var(--vscode-editor-font-family, monospace); }
.heat-strip, .sample-text {
  font-family: var(--vscode-editor-font-family, monospace); font-size: var(--vscode-editor-font-size, 13px);
  line-height: 1.6; white-space: pre-wrap; word-break: break-all; max-height: 16em; overflow-y: auto;
  padding: 4px; border: 1px solid var(--vscode-panel-border, transparent); border-radius: 2px;
}
.heat-strip[hidden], .sample-text[hidden] { display: none; }
.heat-cell, .sample-cell { display: inline-block; min-width: 0.62em; text-align: center; white-space: pre; cursor: default; border-radius: 1px; }
/* One tile per character, a hair apart: a run of one colour reads as values, not as a selected span of text. */
.heat-cell { margin-right: 1px; border-radius: 2px; }
.heat-cell:hover, .sample-cell:hover { outline: 1px solid var(--vscode-focusBorder); }
.heat-cell.strong, .sample-cell.strong { font-weight: 600; }
.heat-cell.unknown { text-decoration: underline dotted var(--vscode-errorForeground); }
.sample-prime { color: var(--vscode-descriptionForeground); font-style: italic; }
.heat-legend { display: flex; align-items: center; flex-wrap: wrap; gap: 2px; font-size: 0.85em; }
.legend-title { color: var(--vscode-descriptionForeground); margin-right: 6px; }
.legend-swatch { display: inline-block; min-width: 2.6em; text-align: center; padding: 0 2px; border: 1px solid var(--vscode-panel-border, transparent); }
.unit-list { margin: 0; padding-left: 1.6em; font-size: 0.92em; font-variant-numeric: tabular-nums; }
.unit-list:empty { display: none; }
.unit-pick { font: inherit; color: var(--vscode-textLink-foreground); background: none; border: none; padding: 0; cursor: pointer; text-decoration: underline; }
.unit-pick:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
.flow-scroll { overflow: auto; max-height: 640px; }
.flow-scale { display: flex; align-items: center; flex-wrap: wrap; gap: 4px; font-size: 0.85em; }
.flow-scale-bar { display: inline-block; width: 8em; height: 0.9em; border: 1px solid var(--vscode-panel-border, transparent); }
.flow-scale-end { font-variant-numeric: tabular-nums; }
.flow-heatmap { display: block; image-rendering: pixelated; cursor: crosshair; }
.chart-box[hidden] { display: none; }
`;

let installed = false;

export function installInspectStyles(): void {
  if (installed) return;
  installed = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
