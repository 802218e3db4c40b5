// Running one piece of a verb's work in a fresh child process of this same CLI, so that what
// it measures (peak memory above all) is its own and one cell's heap does not weigh on the
// next: bench times each cell this way, compare trains each cell this way.
import * as path from 'node:path';

/** The CLI's own entry file when this process is the CLI (bundle or tsx), else undefined. */
export function cliEntry(): string | undefined {
  const entry = require.main?.filename;
  if (!entry) return undefined;
  const base = path.basename(entry);
  return base === 'cli.js' || (base === 'main.ts' && path.basename(path.dirname(entry)) === 'cli') ? entry : undefined;
}
