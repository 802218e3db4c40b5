import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPython, missingTorchMessage, PythonNotFoundError } from '../../src/python/interpreter';

const SYSTEM_PYTHON = '/usr/bin/python3';

/** What `python -c "import torch"` says, asked directly. */
function importsTorch(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('python interpreter discovery', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-py-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('an explicit path is used as given and reports torch as the interpreter itself does', async function () {
    if (!fs.existsSync(SYSTEM_PYTHON)) this.skip();
    const info = await findPython({ explicit: { path: SYSTEM_PYTHON, source: 'setting' } });
    assert.equal(info.path, SYSTEM_PYTHON);
    assert.equal(info.source, 'setting');
    assert.match(info.version, /^3\.\d+\.\d+$/);
    assert.equal(info.torch !== null, importsTorch(SYSTEM_PYTHON));
    assert.equal(missingTorchMessage(info) === undefined, info.torch !== null);
  });

  it('an explicit path that does not run is an error naming the setting, never silently replaced', async () => {
    const missing = path.join(tmp, 'no-such-python');
    await assert.rejects(
      findPython({ explicit: { path: missing, source: 'setting' } }),
      (e: unknown) => e instanceof PythonNotFoundError && /lstmLab\.pythonPath/.test(e.message) && e.message.includes(missing),
    );
    await assert.rejects(findPython({ explicit: { path: missing, source: 'cli' } }), (e: unknown) => e instanceof PythonNotFoundError && /--python/.test(e.message));
  });

  it('on PATH, a python3 that imports torch wins over an earlier one that does not', async function () {
    if (!fs.existsSync(SYSTEM_PYTHON) || !importsTorch(SYSTEM_PYTHON)) this.skip();
    // An earlier PATH entry holding a real Python that cannot import torch.
    const noTorchDir = path.join(tmp, 'notorch');
    fs.mkdirSync(noTorchDir);
    const shim = path.join(noTorchDir, 'python3');
    fs.writeFileSync(shim, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -S -I "$@"\n`);
    fs.chmodSync(shim, 0o755);
    assert.equal(importsTorch(shim), false, 'the shim (no site-packages) must not import torch');
    const info = await findPython({ env: { PATH: `${noTorchDir}:${path.dirname(SYSTEM_PYTHON)}` } });
    assert.equal(info.path, SYSTEM_PYTHON);
    assert.equal(info.source, 'path');
    assert.ok(info.torch);
  });

  it('with no Python on PATH the error says what to set', async () => {
    await assert.rejects(findPython({ env: { PATH: tmp } }), (e: unknown) => e instanceof PythonNotFoundError && /lstmLab\.pythonPath/.test(e.message) && /--python/.test(e.message));
  });

  it('a Python without torch gets one message naming the setting and how to install torch', async function () {
    if (!fs.existsSync(SYSTEM_PYTHON)) this.skip();
    const shim = path.join(tmp, 'notorch', 'python3');
    if (!fs.existsSync(shim)) this.skip();
    const info = await findPython({ explicit: { path: shim, source: 'cli' } });
    assert.equal(info.torch, null);
    const message = missingTorchMessage(info) ?? '';
    assert.match(message, /lstmLab\.pythonPath/);
    assert.match(message, /python3-torch/);
    assert.ok(message.includes(shim));
  });
});
