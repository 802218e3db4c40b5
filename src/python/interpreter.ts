// Which Python runs the user's code, and whether it can import torch and numpy.
// Pure Node (no vscode): the extension host, the CLI (`check --python`) and the PyTorch
// benchmark all call it. Order: an explicit path (the lstmLab.pythonPath setting or --python)
// → the Python extension's active interpreter (the host passes it when it has one) →
// python3 / python on PATH, preferring the first one that can import torch.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type InterpreterSource = 'setting' | 'cli' | 'python-extension' | 'path';

export interface InterpreterRequest {
  /** From lstmLab.pythonPath (source 'setting') or --python (source 'cli'). Used as given: never replaced by another. */
  explicit?: { path: string; source: 'setting' | 'cli' };
  /** The Python extension's active interpreter, when the host found one. */
  extensionInterpreter?: string;
  /** Defaults to process.env (PATH is searched). */
  env?: NodeJS.ProcessEnv;
}

export interface PythonInfo {
  path: string;
  source: InterpreterSource;
  /** e.g. "3.11.2". */
  version: string;
  /** torch.__version__, or null when `import torch` fails. */
  torch: string | null;
  numpy: string | null;
  /** Why torch did not import (the exception's last line), when it did not. */
  torchError?: string;
}

/** No usable Python at all: the message says where it looked and what to set. */
export class PythonNotFoundError extends Error {
  override name = 'PythonNotFoundError';
}

const SETTING = 'lstmLab.pythonPath';
export const INSTALL_TORCH_HINT =
  'Install PyTorch into that Python (Debian/Ubuntu: `sudo apt-get install --no-install-recommends python3-torch python3-numpy`; elsewhere `python -m pip install torch numpy`)';

// One short run per candidate: version and the two imports, as one JSON line.
const PROBE_SCRIPT = `
import json, sys
out = {"version": "%d.%d.%d" % sys.version_info[:3], "torch": None, "numpy": None}
try:
    import numpy
    out["numpy"] = numpy.__version__
except Exception as e:
    pass
try:
    import torch
    out["torch"] = torch.__version__
except Exception as e:
    out["torchError"] = (str(e).strip().splitlines() or [type(e).__name__])[-1]
print(json.dumps(out))
`;

const PROBE_TIMEOUT_MS = 60_000;

/** Runs the probe script with `python`; undefined when it does not start or prints no JSON. */
export function probeInterpreter(python: string, source: InterpreterSource): Promise<PythonInfo | { error: string }> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE_SCRIPT], { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as { version?: unknown; torch?: unknown; numpy?: unknown; torchError?: unknown };
        if (typeof parsed.version !== 'string') throw new Error('no version');
        const info: PythonInfo = {
          path: python,
          source,
          version: parsed.version,
          torch: typeof parsed.torch === 'string' ? parsed.torch : null,
          numpy: typeof parsed.numpy === 'string' ? parsed.numpy : null,
        };
        if (typeof parsed.torchError === 'string') info.torchError = parsed.torchError;
        resolve(info);
      } catch {
        const why = error ? ((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.message.split('\n')[0]) : 'printed no version';
        resolve({ error: `${python}: ${why}${stderr.trim() ? ` (${stderr.trim().split('\n').pop()})` : ''}` });
      }
    });
  });
}

/** Every python3, then python, in PATH order (existing files only, duplicates by real path removed). */
export function pathCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    for (const dir of dirs) {
      const full = path.join(dir, name);
      let real: string;
      try {
        if (!fs.statSync(full).isFile()) continue;
        real = fs.realpathSync(full);
      } catch {
        continue;
      }
      // pyenv shims resolve to one script for every version: keep them apart by their own path.
      const key = real.includes('pyenv') ? full : real;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(full);
    }
  }
  return out;
}

/**
 * Finds the Python to run the user's code with. An explicit path is used as given (an error
 * if it does not run); the Python extension's interpreter likewise when there is one; else the
 * first python3/python on PATH that imports torch, else the first that imports numpy, else the
 * first that runs. Rejects with PythonNotFoundError naming lstmLab.pythonPath when none runs.
 */
export async function findPython(request: InterpreterRequest = {}): Promise<PythonInfo> {
  const { explicit, extensionInterpreter, env = process.env } = request;
  if (explicit) {
    const result = await probeInterpreter(explicit.path, explicit.source);
    if ('error' in result) {
      const where = explicit.source === 'cli' ? '--python' : `the setting ${SETTING}`;
      throw new PythonNotFoundError(
        `The Python given by ${where} does not run: ${result.error}. Point ${explicit.source === 'cli' ? '--python' : SETTING} at a Python 3 executable (e.g. /usr/bin/python3), or leave it empty to use python3 on PATH.`,
      );
    }
    return result;
  }
  const failures: string[] = [];
  if (extensionInterpreter) {
    const result = await probeInterpreter(extensionInterpreter, 'python-extension');
    if (!('error' in result)) return result;
    failures.push(`the Python extension's interpreter ${result.error}`);
  }
  const found: PythonInfo[] = [];
  for (const candidate of pathCandidates(env)) {
    const result = await probeInterpreter(candidate, 'path');
    if ('error' in result) {
      failures.push(result.error);
      continue;
    }
    if (result.torch) return result;
    found.push(result);
  }
  const best = found.find((p) => p.numpy) ?? found[0];
  if (best) return best;
  throw new PythonNotFoundError(
    `No Python 3 found (looked for python3 and python on PATH${failures.length ? `; ${failures.join('; ')}` : ''}). Install Python 3 with PyTorch, or set ${SETTING} (CLI: --python PATH) to its executable.`,
  );
}

/** The one message for a Python that cannot import torch (undefined when it can). */
export function missingTorchMessage(info: PythonInfo): string | undefined {
  if (info.torch) return undefined;
  const why = info.torchError ? ` (${info.torchError})` : '';
  return `PyTorch is not importable by ${info.path} (Python ${info.version}, found via ${describeSource(info.source)})${why}. ${INSTALL_TORCH_HINT}, or set ${SETTING} (CLI: --python PATH) to a Python that has torch.`;
}

/** The message for a Python that can import neither torch nor numpy (the user's array code cannot run). */
export function missingArrayLibraryMessage(info: PythonInfo): string | undefined {
  if (info.torch || info.numpy) return undefined;
  return `Neither torch nor numpy is importable by ${info.path} (Python ${info.version}). ${INSTALL_TORCH_HINT}, or set ${SETTING} (CLI: --python PATH) to a Python that has them.`;
}

function describeSource(source: InterpreterSource): string {
  switch (source) {
    case 'setting':
      return SETTING;
    case 'cli':
      return '--python';
    case 'python-extension':
      return "the Python extension's selected interpreter";
    case 'path':
      return 'PATH';
  }
}
