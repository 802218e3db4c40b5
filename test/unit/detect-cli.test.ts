// `lstm-lab detect` as a user runs it: a child process through tsx (no build needed).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/detect');

function lab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(root, 'src/cli/main.ts'), 'detect', ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('lstm-lab detect', function () {
  this.timeout(120_000);

  it('--json on a .py file prints exactly {cells: [...], forgetBiasSettings: []} with 1-based gate lines', () => {
    const { code, stdout } = lab([path.join(fixtures, 'pytorch_gru.py'), '--json']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), {
      cells: [
        {
          name: 'GRUCell',
          kind: 'gru',
          layout: 'fused',
          optionalForgetGate: false,
          range: { start: 6, end: 26 },
          gates: { r: [17, 18, 19, 20, 22], z: [17, 18, 19, 20, 23], n: [17, 18, 19, 20, 24], h: [25] },
        },
      ],
      forgetBiasSettings: [],
    });
  });

  it('--json adds peephole: true after optionalForgetGate for a peephole LSTM, and only then', () => {
    const { code, stdout } = lab([path.join(fixtures, 'styles', 'inline.py'), '--json']);
    assert.equal(code, 0);
    const [cell] = (JSON.parse(stdout) as { cells: Record<string, unknown>[] }).cells;
    assert.deepEqual(Object.keys(cell), ['name', 'kind', 'layout', 'optionalForgetGate', 'peephole', 'range', 'gates']);
    assert.equal(cell['peephole'], true);
  });

  it('--json on a notebook gives cellIndex per entry; the human table names cells and gate lines', () => {
    const notebook = path.join(fixtures, 'mini_notebook.ipynb');
    const json = lab([notebook, '--json']);
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.stdout) as { cells: { cellIndex: number; name: string; layout: string; forgetBias?: number; gates: Record<string, number[]> }[]; forgetBiasSettings: unknown[] };
    const cells = parsed.cells;
    assert.deepEqual(parsed.forgetBiasSettings, [{ cellIndex: 5, line: 2, value: -1 }], 'the setting the table lists under the cells');
    assert.deepEqual(
      cells.map((c) => [c.cellIndex, c.name, c.layout, c.forgetBias, c.gates['f']]),
      [
        [2, 'ScratchLSTM', 'per-gate', 1, [25]],
        [4, 'FusedLSTM', 'fused', undefined, [16, 17, 20]],
      ],
    );
    const human = lab([notebook]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /^\| cell \| name\s+\| kind \| layout/m);
    assert.match(human.stdout, /^\| 4\s+\| FusedLSTM\s+\| lstm \| fused\s+\| yes\s+\| 1-27\s+\| 16-17,19\s+\| 16-17,20\s+\| 16-17,21\s+\| 16-17,22\s+\| 24\s+\| 25 \|$/m);
    assert.match(human.stdout, /cell 5 line 2: b_f = -1/);
  });

  it('a missing file, an unknown extension and a notebook that is not JSON exit 2 with a message naming the problem', () => {
    const missing = lab([path.join(fixtures, 'no_such_file.py')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file: .*no_such_file\.py/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-cli-'));
    try {
      const rust = path.join(dir, 'cell.rs');
      fs.writeFileSync(rust, 'fn main() {}');
      const unknown = lab([rust, '--json']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /cannot tell the language of .*"\.rs".*\.py, \.ts/);
      assert.deepEqual(Object.keys(JSON.parse(unknown.stdout)), ['error', 'exitCode']);

      const broken = path.join(dir, 'broken.ipynb');
      fs.writeFileSync(broken, '{"cells": [');
      const invalid = lab([broken]);
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /invalid notebook: not JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
