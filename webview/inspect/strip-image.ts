// A heat strip as a PNG for Export Run: the characters in rows, each on its colour, under a
// title line (the panel's own strips are DOM; the export must not depend on the panel's width).
import { textColorOn, visibleChar } from '../inspect-model';

export function renderStripImage(title: string, chars: readonly string[], fills: readonly string[], foreground: string, background: string, width = 900): string {
  const cellWidth = 11;
  const cellHeight = 20;
  const perRow = Math.floor((width - 20) / cellWidth);
  const rows = Math.max(1, Math.ceil(chars.length / perRow));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = 40 + rows * cellHeight + 10;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = foreground;
  ctx.font = '14px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, 10, 20);
  ctx.font = '14px monospace';
  ctx.textAlign = 'center';
  chars.forEach((character, k) => {
    const x = 10 + (k % perRow) * cellWidth;
    const y = 40 + Math.floor(k / perRow) * cellHeight;
    ctx.fillStyle = fills[k] ?? 'transparent';
    ctx.fillRect(x, y, cellWidth, cellHeight);
    ctx.fillStyle = textColorOn(fills[k] ?? 'transparent', background, foreground);
    ctx.fillText(visibleChar(character), x + cellWidth / 2, y + cellHeight / 2);
  });
  return canvas.toDataURL('image/png');
}
