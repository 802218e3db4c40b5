// Which Python runs the user's code inside VS Code: the setting lstmLab.pythonPath, else the
// Python extension's active interpreter (through its public API, read defensively: its
// exports are not ours to trust), else python3 / python on PATH (src/python/interpreter.ts).
// The answer is cached until the setting or the Python extension's selection changes (the
// selection is asked each time: it is cheap, and the cache key includes it).
import * as vscode from 'vscode';
import { isObj, isStr } from '../shared/guards';
import { findPython, type InterpreterRequest, type PythonInfo } from '../python';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The path of the Python extension's selected interpreter for `resource`, or undefined (no extension, no selection, an API we do not recognise). */
export async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: (line: string) => void): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  try {
    const api: unknown = extension.isActive ? extension.exports : await extension.activate();
    const environments = isObj(api) ? api.environments : undefined;
    if (!isObj(environments) || typeof environments.getActiveEnvironmentPath !== 'function') return undefined;
    const active: unknown = environments.getActiveEnvironmentPath(resource);
    if (!isObj(active) || !isStr(active.path)) return undefined;
    // `path` may name the environment's folder; resolveEnvironment gives its executable.
    if (typeof environments.resolveEnvironment === 'function') {
      const resolved: unknown = await environments.resolveEnvironment(active);
      const executable = isObj(resolved) ? resolved.executable : undefined;
      const uri = isObj(executable) ? executable.uri : undefined;
      if (uri instanceof vscode.Uri) return uri.fsPath;
    }
    return active.path;
  } catch (error) {
    log(`python: the Python extension did not say which interpreter is selected (${(error as Error).message}); using PATH.`);
    return undefined;
  }
}

/** Finds (once) and remembers the Python for user code; forgets it when the choice may have changed. */
export class PythonEnvironment implements vscode.Disposable {
  private cached: { key: string; info: Promise<PythonInfo> } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: (line: string) => void) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lstmLab.pythonPath')) this.cached = undefined;
      }),
    );
  }

  /** The Python to run code of `resource` with; rejects with PythonNotFoundError (its message names lstmLab.pythonPath). */
  async find(resource: vscode.Uri | undefined): Promise<PythonInfo> {
    const setting = vscode.workspace.getConfiguration('lstmLab', resource).get<string>('pythonPath', '').trim();
    const request: InterpreterRequest = setting ? { explicit: { path: setting, source: 'setting' } } : {};
    if (!setting) {
      const fromExtension = await pythonExtensionInterpreter(resource, this.log);
      if (fromExtension) request.extensionInterpreter = fromExtension;
    }
    const key = JSON.stringify(request);
    if (this.cached?.key !== key) {
      const info = findPython(request);
      this.cached = { key, info };
      // A failed lookup is not remembered: the user may install Python and try again.
      info.then(
        (found) => this.log(`python: ${found.path} (Python ${found.version}, torch ${found.torch ?? 'missing'}, numpy ${found.numpy ?? 'missing'}; from ${found.source})`),
        () => {
          if (this.cached?.info === info) this.cached = undefined;
        },
      );
    }
    return this.cached.info;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
