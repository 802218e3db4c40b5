// Scores the detector against hand-labelled cells in public code
// (test/fixtures/detect-real/manifest.json). The code itself is not in this repository: each
// entry is read from a fetched git mirror (DETECT_MIRRORS, default /work/.mirror, holding
// owner+name/repo) at the entry's commit, or from a plain folder (DETECT_CORPUS, default
// /work/detect-corpus, holding owner+name/path). Entries whose source is absent are skipped.
// Every split but 'tune' is a hold-out: its findings stay hidden unless --holdout-notes. The
// table lists every split the manifest holds, in the order they first appear.
// Usage: npx tsx scripts/detect-eval.ts [--verbose] [--json] [--holdout-notes] [--split NAME] [--manifest FILE]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { detectCells, type DetectedCell, type DetectLanguage, type GateName } from '../src/detect';

interface LabelledCell {
  name: string;
  kind: string;
  gates: Partial<Record<GateName, string>>;
  optional?: Partial<Record<GateName, string>>;
}

interface Entry {
  id: string;
  repo: string;
  commit: string;
  path: string;
  language: DetectLanguage;
  /** 'tune' (tuned on) or the name of a hold-out ('holdout', 'fresh', 'fresh4', …): any other name is a hold-out. */
  split: string;
  licence?: string;
  ignore?: string[];
  cells: LabelledCell[];
}

interface Tally {
  entries: number;
  cells: number;
  found: number;
  kindRight: number;
  spurious: number;
  mapped: number;
  mappedRight: number;
  required: number;
  requiredFound: number;
}

const emptyTally = (): Tally => ({ entries: 0, cells: 0, found: 0, kindRight: 0, spurious: 0, mapped: 0, mappedRight: 0, required: 0, requiredFound: 0 });

/** "12-14,20" → [12, 13, 14, 20] */
export function parseLines(spec: string | undefined): number[] {
  if (!spec) return [];
  return spec.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map((s) => Number(s.trim()));
    if (b === undefined) return [a];
    return Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
}

function readSource(entry: Entry): string | undefined {
  if (entry.repo.startsWith('npm:')) {
    // A package installed in node_modules at the labelled version.
    const dir = path.join(__dirname, '..', 'node_modules', entry.repo.slice(4));
    const version = fs.existsSync(path.join(dir, 'package.json')) ? (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version : undefined;
    return version === entry.commit ? fs.readFileSync(path.join(dir, entry.path), 'utf8') : undefined;
  }
  const folder = entry.repo.replace('/', '+');
  const mirrors = process.env['DETECT_MIRRORS'] ?? '/work/.mirror';
  for (const gitDir of [path.join(mirrors, folder, 'repo', '.git'), path.join(mirrors, folder, 'repo')]) {
    if (!fs.existsSync(path.join(gitDir, 'HEAD'))) continue;
    try {
      return execFileSync('git', ['--git-dir', gitDir, 'show', `${entry.commit}:${entry.path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    } catch {
      // not at that commit in this mirror: try the corpus folder
    }
  }
  const file = path.join(process.env['DETECT_CORPUS'] ?? '/work/detect-corpus', folder, entry.path);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** A cell labelled `lstm-peephole` is right when detected as an LSTM with its peephole flag. */
function kindMatches(expected: string, cell: DetectedCell): boolean {
  if (expected === 'lstm-peephole') return cell.kind === 'lstm' && (cell as { peephole?: boolean }).peephole === true;
  return cell.kind === expected && !(cell as { peephole?: boolean }).peephole;
}

const pairs = (gates: Partial<Record<GateName, number[]>>): string[] => Object.entries(gates).flatMap(([g, lines]) => (lines ?? []).map((l) => `${g}:${l}`));

function scoreEntry(entry: Entry, source: string, tally: Tally, verbose: boolean, showHoldout: boolean): void {
  const detected = detectCells(source, entry.language).filter((c) => !entry.ignore?.includes(c.name));
  tally.entries++;
  const notes: string[] = [];
  // Cells sharing a name (one method holding a GRU, an LSTM and an RNN behind a switch) pair up in source order.
  const named = (name: string) => detected.filter((c) => c.name === name).sort((a, b) => a.range.start - b.range.start);
  for (const [index, label] of entry.cells.entries()) {
    tally.cells++;
    const required = new Set(Object.entries(label.gates).flatMap(([g, spec]) => parseLines(spec).map((l) => `${g}:${l}`)));
    const allowed = new Set([...required, ...Object.entries(label.optional ?? {}).flatMap(([g, spec]) => parseLines(spec).map((l) => `${g}:${l}`))]);
    tally.required += required.size;
    const cell = named(label.name)[entry.cells.slice(0, index).filter((l) => l.name === label.name).length];
    if (!cell) {
      notes.push(`  MISSED ${label.name} (${label.kind})`);
      continue;
    }
    tally.found++;
    if (kindMatches(label.kind, cell)) tally.kindRight++;
    else notes.push(`  KIND ${label.name}: ${cell.kind}${(cell as { peephole?: boolean }).peephole ? '+peephole' : ''}, expected ${label.kind}`);
    const got = pairs(cell.gates);
    tally.mapped += got.length;
    const wrong = got.filter((p) => !allowed.has(p));
    tally.mappedRight += got.length - wrong.length;
    const missing = [...required].filter((p) => !got.includes(p));
    tally.requiredFound += required.size - missing.length;
    if (wrong.length) notes.push(`  WRONG ${label.name}: ${wrong.join(' ')}`);
    if (missing.length) notes.push(`  MISSING ${label.name}: ${missing.join(' ')}`);
  }
  for (const cell of detected) {
    if (named(cell.name).indexOf(cell) < entry.cells.filter((l) => l.name === cell.name).length) continue;
    tally.spurious++;
    tally.mapped += pairs(cell.gates).length;
    notes.push(`  SPURIOUS ${cell.name} (${cell.kind}, lines ${cell.range.start}-${cell.range.end})`);
  }
  // Hold-out (and fresh hold-out) findings stay hidden unless asked for, so they cannot steer tuning.
  if (entry.split !== 'tune' && !showHoldout) return;
  if (verbose || notes.length) console.log(`${entry.split.padEnd(8)} ${entry.id}${notes.length ? '' : ': all right'}${notes.length ? `\n${notes.join('\n')}` : ''}`);
}

function summary(t: Tally) {
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    entries: t.entries,
    cells: t.cells,
    found: t.found,
    spurious: t.spurious,
    kindAccuracy: ratio(t.kindRight, t.cells),
    precision: ratio(t.mappedRight, t.mapped),
    gateLineRecall: ratio(t.requiredFound, t.required),
  };
}

function options() {
  try {
    return parseArgs({
      options: {
        verbose: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'holdout-notes': { type: 'boolean', default: false },
        split: { type: 'string' },
        manifest: { type: 'string' },
      },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: npx tsx scripts/detect-eval.ts [--verbose] [--json] [--holdout-notes] [--split NAME] [--manifest FILE]`);
    process.exit(2);
  }
}

function main(): void {
  const args = options();
  const verbose = args.verbose;
  const showHoldout = args['holdout-notes'];
  const only = args.split;
  const manifestPath = args.manifest !== undefined ? path.resolve(args.manifest) : path.join(__dirname, '..', 'test', 'fixtures', 'detect-real', 'manifest.json');
  const { entries } = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { entries: Entry[] };
  const splits = [...new Set(entries.map((e) => e.split))].filter((s) => only === undefined || s === only);
  if (only !== undefined && !splits.length) {
    console.error(`no entry in split '${only}'; the manifest's splits are ${[...new Set(entries.map((e) => e.split))].join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  const tallies = new Map(splits.map((s) => [s, emptyTally()]));
  const skipped: string[] = [];
  for (const entry of entries) {
    const tally = tallies.get(entry.split);
    if (!tally) continue;
    const source = readSource(entry);
    if (source === undefined) skipped.push(entry.id);
    else scoreEntry(entry, source, tally, verbose, showHoldout);
  }
  const result: Record<string, ReturnType<typeof summary> | string[]> = {};
  for (const [split, tally] of tallies) result[split] = summary(tally);
  result['skipped'] = skipped;
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const width = Math.max(8, ...splits.map((s) => s.length));
  console.log(`\n${'split'.padEnd(width)} entries cells found spurious kind    precision recall`);
  for (const [split, tally] of tallies) {
    const s = summary(tally);
    console.log(
      `${split.padEnd(width)} ${String(s.entries).padStart(7)} ${String(s.cells).padStart(5)} ${String(s.found).padStart(5)} ${String(s.spurious).padStart(8)} ${pct(s.kindAccuracy).padStart(6)} ${pct(s.precision).padStart(9)} ${pct(s.gateLineRecall).padStart(6)}`,
    );
  }
  if (skipped.length) console.log(`skipped (source absent): ${skipped.join(', ')}`);
}

main();
