// Records what the Python runner returns for the buggy notebook's MyLSTM (h_t = o_t * c_t, no
// tanh): the check result with its six probe series, as the host receives it. The gradient
// chart test feeds it to the panel through the host's own userProbeRun.
// Run (needs a Python with torch): npx tsx test/webview/record-user-probe.ts [/usr/bin/python3]
import fs from 'node:fs';
import path from 'node:path';
import { PythonClient } from '../../src/python/client';
import { planNotebook } from '../../src/python/check';

const root = path.resolve(__dirname, '../..');
export const NOTEBOOK = path.join(root, 'test/fixtures/workspace/user_code/buggy_notebook.ipynb');
export const RECORDED = path.join(root, 'test/fixtures/probe/buggy-notebook-mylstm.json');
export const CELL = 'MyLSTM';

async function main(python: string): Promise<void> {
  const plan = planNotebook(fs.readFileSync(NOTEBOOK, 'utf8')).find((p) => p.cell.name === CELL);
  if (!plan) throw new Error(`${CELL} is no longer detected in ${NOTEBOOK}`);
  const client = new PythonClient({ python, harnessPath: path.join(root, 'src/python/harness/lstmlab_harness.py') });
  try {
    const result = await client.check(plan.input);
    fs.writeFileSync(RECORDED, `${JSON.stringify(result)}\n`);
    console.log(`record-user-probe: wrote ${path.relative(root, RECORDED)} (${result.verdict}; ${result.probe && 'series' in result.probe ? result.probe.series.length : 0} series)`);
  } finally {
    client.dispose();
  }
}

if (require.main === module) void main(process.argv[2] ?? '/usr/bin/python3');
