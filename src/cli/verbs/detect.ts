// lstm-lab detect: the recurrent cells and gate lines the extension's CodeLens would see,
// for scripts and for checking the detector on anyone's code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, detectForgetBiases, detectNotebook, detectNotebookForgetBiases, GRU_GATE_ORDER, LSTM_GATE_ORDER, type DetectedCell, type DetectLanguage, type GateName } from '../../detect';
import { InputError } from '../../engine/errors';
import { textTable } from '../../shared/table';
import { formatOptions, JSON_OPTION, parseArgs, printJson, UsageError, type CliVerb, type OptionSpec } from '../args';

const OPTIONS: OptionSpec[] = [JSON_OPTION];

const LANGUAGE_OF_EXTENSION: Record<string, DetectLanguage | 'notebook'> = {
  '.py': 'python',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.ipynb': 'notebook',
};

export const name = 'detect';
export const summary = 'find recurrent cells and the lines computing each gate in a .py/.ts/.js/.ipynb file';
export const usage = `Usage: lstm-lab detect FILE [--json]

Finds the LSTM, GRU and RNN cells in FILE (a class or function each; '<module>' for
top-level code) and, for every gate, the 1-based lines that compute it:
LSTM i, f, g (candidate), o, c (cell state), h (hidden state); GRU r, z, n, h.
The language follows the extension: ${Object.keys(LANGUAGE_OF_EXTENSION).join(' ')}.
For a notebook, lines are within each code cell and cellIndex counts every cell.

Options:
${formatOptions(OPTIONS)}

--json prints {cells: [{name, kind, layout, optionalForgetGate, range: {start, end},
gates: {i: [lines], ...}}], forgetBiasSettings: [{line, value}]} (plus cellIndex for
.ipynb, forgetBias when a cell sets one literally, peephole: true for an LSTM whose gates
read the cell state, and forgetBiasSettings for the b_f settings outside every cell, as
the table's footnote lists them).

Example: lstm-lab detect media/tutorial/lstm-lab-tutorial.ipynb --json`;

type Entry = DetectedCell & { cellIndex?: number };

/** The JSON shape of one cell, keys in a fixed order. */
function jsonCell(cell: Entry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (cell.cellIndex !== undefined) out['cellIndex'] = cell.cellIndex;
  out['name'] = cell.name;
  out['kind'] = cell.kind;
  out['layout'] = cell.layout;
  out['optionalForgetGate'] = cell.optionalForgetGate;
  if (cell.peephole) out['peephole'] = true;
  if (cell.forgetBias !== undefined) out['forgetBias'] = cell.forgetBias;
  out['range'] = { start: cell.range.start, end: cell.range.end };
  out['gates'] = cell.gates;
  return out;
}

/** Lines as compact runs: 30-32,34. */
function formatLines(lines: number[]): string {
  const runs: string[] = [];
  for (let k = 0; k < lines.length;) {
    let j = k;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    runs.push(j > k ? `${lines[k]}-${lines[j]}` : `${lines[k]}`);
    k = j + 1;
  }
  return runs.join(',');
}

function table(cells: Entry[], notebook: boolean): string {
  // i f g o c, then the GRU's r z n, then h (both kinds) last.
  const gateNames: GateName[] = [...LSTM_GATE_ORDER.filter((g) => g !== 'h'), ...GRU_GATE_ORDER];
  const used = gateNames.filter((g) => cells.some((c) => c.gates[g]?.length));
  const header = [...(notebook ? ['cell'] : []), 'name', 'kind', 'layout', 'forget gate', 'lines', ...used];
  const rows = cells.map((c) => [
    ...(notebook ? [String(c.cellIndex)] : []),
    c.name,
    c.peephole ? `${c.kind} (peephole)` : c.kind,
    c.layout,
    c.kind === 'lstm' ? `${c.optionalForgetGate ? 'optional' : 'yes'}${c.forgetBias !== undefined ? `, b_f=${c.forgetBias}` : ''}` : c.kind === 'lstm-no-forget' ? 'no' : '-',
    `${c.range.start}-${c.range.end}`,
    ...used.map((g) => formatLines(c.gates[g] ?? []) || '-'),
  ]);
  return textTable(header, rows);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  const json = values['json'] === true;
  if (positionals.length === 0) throw new UsageError('FILE is required: a .py, .ts, .js, .mjs or .ipynb file.');
  if (positionals.length > 1) throw new UsageError(`One FILE at a time; got ${positionals.length}: ${positionals.join(' ')}.`);
  const file = path.resolve(positionals[0]);
  const extension = path.extname(file).toLowerCase();
  const language = LANGUAGE_OF_EXTENSION[extension];
  if (!language)
    throw new InputError(`cannot tell the language of "${positionals[0]}" from its extension "${extension || '(none)'}"; use a file ending in ${Object.keys(LANGUAGE_OF_EXTENSION).join(', ')}.`);
  let source: string;
  let isFile = false;
  try {
    isFile = fs.statSync(file).isFile();
    source = isFile ? fs.readFileSync(file, 'utf8') : '';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (!isFile) throw new InputError(`"${positionals[0]}" is not a file.`);

  let cells: Entry[];
  let biases: { cellIndex?: number; line: number; value: number }[];
  if (language === 'notebook') {
    try {
      cells = detectNotebook(source);
      biases = detectNotebookForgetBiases(source);
    } catch (error) {
      throw new InputError(`${file}: ${(error as Error).message}`);
    }
  } else {
    cells = detectCells(source, language);
    biases = detectForgetBiases(source, language);
  }

  // Forget-bias settings outside any cell (the notebook sets b_f in cells of their own).
  const outside = biases.filter((b) => !cells.some((c) => (language !== 'notebook' || c.cellIndex === b.cellIndex) && b.line >= c.range.start && b.line <= c.range.end));
  if (json) {
    printJson({
      cells: cells.map(jsonCell),
      forgetBiasSettings: outside.map((b) => (b.cellIndex !== undefined ? { cellIndex: b.cellIndex, line: b.line, value: b.value } : { line: b.line, value: b.value })),
    });
    return 0;
  }
  if (!cells.length) process.stdout.write(`No recurrent cell found in ${positionals[0]}.\n`);
  else process.stdout.write(`${table(cells, language === 'notebook')}\n`);
  if (outside.length) {
    process.stdout.write(
      `\nForget-bias settings outside the cells:\n${outside.map((b) => `  ${b.cellIndex !== undefined ? `cell ${b.cellIndex} ` : ''}line ${b.line}: b_f = ${b.value}`).join('\n')}\n`,
    );
  }
  return 0;
}

export const verb: CliVerb = { name, summary, usage, run };
