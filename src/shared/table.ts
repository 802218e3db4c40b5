// The one table format of every text report (the CLI's verbs, the engine's bench table): a
// Markdown table with padded columns, readable in a terminal and pasteable into notes; and
// the one way numbers are written in them (thousands separated by commas).

/** A Markdown table, columns padded to align; right-aligned columns get a `--:` rule. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[] = []): string {
  const width = (text: string) => Array.from(text).length;
  const widths = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const pad = (text: string, c: number) => {
    const fill = ' '.repeat(Math.max(0, widths[c]! - width(text)));
    return rightAligned[c] ? fill + text : text + fill;
  };
  const line = (cells: readonly string[]) => `| ${header.map((_, c) => pad(cells[c] ?? '', c)).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (rightAligned[c] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** 1234567.8 → "1,234,568"; with digits, "1,234,567.80". Non-finite values as they are. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
