// Runs the detector over large bodies of code that hold no recurrent cell (the Python standard
// library, JavaScript libraries in node_modules) and lists every cell it reports: each one is a
// false positive unless it really is a cell (tfjs-core's basicLSTMCell is one).
// Usage: npx tsx scripts/detect-sweep.ts [PYTHON_LIB_DIR]   (default /usr/lib/python3.11)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { detectCells, type DetectLanguage } from '../src/detect';

const root = path.join(__dirname, '..');
/** The standard library swept by default (and by the unit test). */
export const PYTHON_LIB = '/usr/lib/python3.11';
export const JS_ROOTS = ['chart.js/dist', 'katex/dist', '@tensorflow/tfjs-core/dist/ops', 'mocha/lib', 'esbuild/lib'].map((p) => path.join(root, 'node_modules', p));
/** Cells that are real: reporting them is right. */
const REAL_CELLS = new Set(['basicLSTMCell', 'basicLSTMCell_']);

function* files(dir: string, extensions: string[]): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'site-packages' && e.name !== 'dist-packages') yield* files(full, extensions);
    else if (e.isFile() && extensions.some((x) => e.name.endsWith(x)) && !e.name.endsWith('.min.js') && !e.name.endsWith('.d.ts')) yield full;
  }
}

/** Every cell reported in `dirs`; real ones (REAL_CELLS) are marked. */
export function sweepCells(dirs: string[], extensions: string[], language: DetectLanguage): { file: string; line: number; name: string; kind: string; real: boolean }[] {
  const found: { file: string; line: number; name: string; kind: string; real: boolean }[] = [];
  for (const dir of dirs) {
    for (const file of files(dir, extensions)) {
      for (const cell of detectCells(fs.readFileSync(file, 'utf8'), language))
        found.push({ file: path.relative(dir, file), line: cell.range.start, name: cell.name, kind: cell.kind, real: REAL_CELLS.has(cell.name) });
    }
  }
  return found;
}

function sweep(label: string, dirs: string[], extensions: string[], language: DetectLanguage): number {
  const started = performance.now();
  const found = sweepCells(dirs, extensions, language);
  for (const c of found) console.log(`${c.real ? 'cell' : 'FALSE POSITIVE'} ${c.file}:${c.line} ${c.name} (${c.kind})`);
  const falsePositives = found.filter((c) => !c.real).length;
  console.log(`${label}: ${found.length} cell(s) reported in ${((performance.now() - started) / 1000).toFixed(1)} s, ${falsePositives} false positive(s)`);
  return falsePositives;
}

/** The Python library folder to sweep: the one positional argument, else PYTHON_LIB. */
function pythonLibArgument(): string {
  try {
    const { positionals } = parseArgs({ options: {}, allowPositionals: true });
    if (positionals.length > 1) throw new Error(`one folder at most, got ${positionals.length}`);
    return positionals.length ? path.resolve(positionals[0]) : PYTHON_LIB;
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: npx tsx scripts/detect-sweep.ts [PYTHON_LIB_DIR]   (default ${PYTHON_LIB})`);
    process.exit(2);
  }
}

if (require.main === module) {
  const pythonLib = pythonLibArgument();
  const total = sweep(`Python (${pythonLib})`, [pythonLib], ['.py'], 'python') + sweep('JavaScript (node_modules)', JS_ROOTS, ['.js', '.cjs', '.mjs'], 'javascript');
  process.exitCode = total ? 1 : 0;
}
