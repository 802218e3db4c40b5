// What the parts of the "Inspect a trained run" section share: the theme they draw in, the
// files they export, and the small helpers several use.
import type { ThemeColors } from '../../src/shared/chart-configs';
import { textColorOn, type HeatColors } from '../inspect-model';

export interface PartTheme {
  colors: ThemeColors;
  background: string;
}

export interface ExportFiles {
  images: { name: string; pngDataUrl: string }[];
  csv: { name: string; text: string }[];
}

function cssVariable(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}

/** Heat colours from the theme: charts.blue for positive/high, charts.red for negative. */
export function themeHeatColors(colors: ThemeColors): HeatColors {
  return { positive: cssVariable('--vscode-charts-blue') || colors.palette[0] || '#3794ff', negative: cssVariable('--vscode-charts-red') || colors.palette[1] || '#f14c4c' };
}

/** A heat colour behind a character, and the character in a colour readable on it. */
export function paintHeat(element: HTMLElement, fill: string, theme: PartTheme): void {
  element.style.backgroundColor = fill;
  element.style.color = textColorOn(fill, theme.background, cssVariable('--vscode-foreground') || theme.colors.foreground);
}

export function row(...children: (HTMLElement | string)[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'inspect-row';
  div.append(...children);
  return div;
}

export function label(text: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'control-label';
  span.textContent = text;
  return span;
}
