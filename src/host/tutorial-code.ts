// Whether a checked recurrent cell is the user's own code or one of the tutorial's cells exactly
// as shipped: the walkthrough's "Check your own cell" step waits for the former, so probing an
// unchanged tutorial cell ticks only the probe step. Pure (no vscode), so it is unit tested.
import { notebookCodeCells } from '../detect';

/** Lines without trailing blanks (or \r), and no blank lines at either end: a re-saved copy still compares equal. */
function normalized(code: string): string {
  return code
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .trim();
}

/** A matcher over the shipped notebook's code: true when `classText` (a recurrent cell's lines) appears in it unchanged. */
export function shippedTutorialMatcher(shippedIpynb: string): (classText: string) => boolean {
  const shipped = notebookCodeCells(shippedIpynb).cells.map((cell) => normalized(cell.source));
  return (classText) => {
    const text = normalized(classText);
    return text.length > 0 && shipped.some((cell) => cell.includes(text));
  };
}
