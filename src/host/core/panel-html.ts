// The side panel's HTML, as a pure function of the URIs the webview may load, so the panel
// provider and the headless-browser tests produce the same page. No `vscode` import.
//
// Content-Security-Policy: nothing by default; scripts only with this page's nonce; styles,
// fonts and images only from the extension's own resources (`cspSource`). No inline
// script, no inline handler, no network.

export interface PanelHtmlOptions {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** A fresh random nonce per render (letters, digits, + / = only). */
  nonce: string;
  /** URI of `dist/webview/webview.js`, as `webview.asWebviewUri(...)` gives it. */
  scriptUri: string;
  /** Stylesheets in order, e.g. KaTeX's `katex.min.css`, then `panel.css`. */
  styleUris: string[];
  /** Optional font stylesheet (e.g. codicons), given the id `vscode-codicon-stylesheet` that @vscode-elements looks for. */
  fontUri?: string;
  /** Where the page is shown: the side view, or the charts editor tab (the page leaves out what only the side view needs). */
  surface?: 'side view' | 'editor';
}

const NONCE = /^[A-Za-z0-9+/=]{16,}$/;
// One CSP source expression (VS Code gives e.g. "https://*.vscode-cdn.net" or
// "https://file+.vscode-resource.vscode-cdn.net"): a scheme and anything without spaces,
// quotes, commas or semicolons, which would end the directive or the policy.
const CSP_SOURCE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s;,'"<>]*$/;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function checkUri(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || /[\s"'<>`]/.test(value)) {
    throw new Error(`renderPanelHtml: ${name} must be a non-empty URI without spaces, quotes or angle brackets (got ${JSON.stringify(value)}); pass webview.asWebviewUri(...).toString().`);
  }
  return escapeAttribute(value);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource}`].join('; ');
}

export function renderPanelHtml(options: PanelHtmlOptions): string {
  const { cspSource, nonce, scriptUri, styleUris, fontUri, surface } = options;
  // code-server (VS Code in a browser) gives a list: "'self' https://*.vscode-cdn.net".
  if (
    typeof cspSource !== 'string' ||
    !cspSource.trim() ||
    !cspSource
      .trim()
      .split(/ +/)
      .every((s) => s === "'self'" || CSP_SOURCE.test(s))
  ) {
    throw new Error(`renderPanelHtml: cspSource ${JSON.stringify(cspSource)} is not a CSP source expression; pass webview.cspSource.`);
  }
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) {
    throw new Error('renderPanelHtml: the nonce must be at least 16 characters of letters, digits, +, / or =; generate a fresh random one per render.');
  }
  if (surface !== undefined && surface !== 'side view' && surface !== 'editor') throw new Error(`renderPanelHtml: surface must be 'side view' or 'editor' (got ${JSON.stringify(surface)}).`);
  if (!Array.isArray(styleUris)) throw new Error('renderPanelHtml: styleUris must be an array of stylesheet URIs (it may be empty).');
  const styles = styleUris.map((uri, k) => `  <link rel="stylesheet" href="${checkUri(`styleUris[${k}]`, uri)}">`);
  if (fontUri !== undefined) styles.push(`  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${checkUri('fontUri', fontUri)}">`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(cspSource, nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.join('\n')}
  <title>LSTM Lab</title>
</head>
<body${surface ? ` data-surface="${surface === 'editor' ? 'editor' : 'side-view'}"` : ''}>
  <script nonce="${nonce}" src="${checkUri('scriptUri', scriptUri)}"></script>
</body>
</html>
`;
}
