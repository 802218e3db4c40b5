// The extension as VS Code sees it: present, activates without error, and registers
// every command its package.json contributes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'lstm-lab.lstm-lab';

interface ContributedCommand {
  command: string;
  title?: string;
}

describe('activation', () => {
  it('the extension is installed', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(
      extension,
      `extension ${EXTENSION_ID} is not known to VS Code (known: ${
        vscode.extensions.all
          .map((e) => e.id)
          .filter((id) => !id.startsWith('vscode.'))
          .join(', ') || 'none besides built-ins'
      })`,
    );
    assert.equal(extension.packageJSON.name, 'lstm-lab');
  });

  it('activates without throwing', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every contributed command', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed: ContributedCommand[] = extension.packageJSON.contributes?.commands ?? [];
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed in package.json but not registered by activate(): ${missing.join(', ')}`);
  });
});
