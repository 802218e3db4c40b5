// Runs the detector over large bodies of code that hold no recurrent cell (the Python standard
// library, JavaScript libraries in node_modules) and lists every cell it reports: each one is a
// false positive unless it really is a cell (tfjs-core's basicLSTMCell is one).
// Usage: npx tsx scripts/detect-sweep.ts [PYTHON_LIB_DIR]   (default /usr/lib/python3.11)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectLanguage } from '../src/detect';

const root = path.join(__dirname, '..');
const pythonLib = process.argv[2] ?? '/usr/lib/python3.11';
const jsRoots = ['chart.js/dist', 'katex/dist', '@tensorflow/tfjs-core/dist/ops', 'mocha/lib', 'esbuild/lib'].map((p) => path.join(root, 'node_modules', p));
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

function sweep(label: string, dirs: string[], extensions: string[], language: DetectLanguage): number {
  let count = 0;
  let lines = 0;
  let falsePositives = 0;
  const started = performance.now();
  for (const dir of dirs) {
    for (const file of files(dir, extensions)) {
      const source = fs.readFileSync(file, 'utf8');
      count++;
      lines += source.split('\n').length;
      for (const cell of detectCells(source, language)) {
        const real = REAL_CELLS.has(cell.name);
        if (!real) falsePositives++;
        console.log(`${real ? 'cell' : 'FALSE POSITIVE'} ${path.relative(dir, file)}:${cell.range.start} ${cell.name} (${cell.kind})`);
      }
    }
  }
  console.log(`${label}: ${count} files, ${lines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s, ${falsePositives} false positive(s)`);
  return falsePositives;
}

const total = sweep(`Python (${pythonLib})`, [pythonLib], ['.py'], 'python') + sweep('JavaScript (node_modules)', jsRoots, ['.js', '.cjs', '.mjs'], 'javascript');
process.exitCode = total ? 1 : 0;
