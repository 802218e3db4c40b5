// Chart colours from the VS Code theme. VS Code sets the `--vscode-*` variables on <html>
// and a theme class on <body> (vscode-light / vscode-dark / vscode-high-contrast /
// vscode-high-contrast-light); both change when the user switches theme.
import { DARK_THEME_COLORS, LIGHT_THEME_COLORS, PALETTE_CSS_VARIABLES, type ThemeColors } from '../src/shared/chart-configs';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const list = body.classList;
  if (list.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (list.contains('vscode-high-contrast')) return 'high-contrast';
  if (list.contains('vscode-light')) return 'light';
  return 'dark';
}

function cssVariable(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

/** The theme's colours; any variable the theme does not set falls back to VS Code's defaults. */
export function readThemeColors(): ThemeColors {
  const kind = themeKind();
  const fallback = kind === 'light' || kind === 'high-contrast-light' ? LIGHT_THEME_COLORS : DARK_THEME_COLORS;
  const style = getComputedStyle(document.body);
  const palette = PALETTE_CSS_VARIABLES.map((name, k) => cssVariable(style, name) || fallback.palette[k]);
  const foreground = cssVariable(style, '--vscode-charts-foreground') || cssVariable(style, '--vscode-foreground') || fallback.foreground;
  // charts.lines is meant for axes and grid lines; high contrast themes make it opaque.
  const grid = cssVariable(style, '--vscode-charts-lines') || cssVariable(style, '--vscode-panel-border') || fallback.grid;
  const fontFamily = cssVariable(style, '--vscode-font-family') || undefined;
  return { foreground, grid, palette, fontFamily };
}

/** Editor background, to paint behind exported chart images (PNG is otherwise transparent). */
export function readBackground(): string {
  const style = getComputedStyle(document.body);
  return cssVariable(style, '--vscode-sideBar-background') || cssVariable(style, '--vscode-editor-background') || (themeKind().includes('light') ? '#ffffff' : '#1e1e1e');
}

/** Calls `onChange` when the theme class or the theme variables change. */
export function observeTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return observer;
}
