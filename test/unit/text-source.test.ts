// Which active editors the Train wizard offers as training text: the project's own files read as
// VS Code would show them — the tutorial notebook's JSON, a PNG decoded as UTF-8, package.json —
// are refused with a message naming the problem; prose, code and a notebook's cells are offered.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describeTextSource } from '../../src/host/core/text-source';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('the active editor as training text', () => {
  it("offers a notebook's cells' text (never its JSON), saying how many cells", () => {
    const cells = (JSON.parse(read('media/tutorial/lstm-lab-tutorial.ipynb')) as { cells: { source: string[] }[] }).cells;
    const source = describeTextSource({ name: 'lstm-lab-tutorial.ipynb', text: cells.map((c) => c.source.join('')).join('\n\n'), notebookCells: cells.length });
    assert.equal(source.usable, true);
    assert.match(source.description, new RegExp(`^lstm-lab-tutorial\\.ipynb: ${cells.length} cells' text, \\d+k characters$`));
  });

  it("refuses a notebook's JSON opened as text, even renamed, and says how to use its cells instead", () => {
    for (const name of ['lstm-lab-tutorial.ipynb', 'copy.txt']) {
      const source = describeTextSource({ name, text: read('media/tutorial/lstm-lab-tutorial.ipynb'), languageId: 'plaintext' });
      assert.equal(source.usable, false, name);
      assert.ok(!source.usable && /is a notebook's JSON, not text to learn: open it as a notebook to train on its cells' text/.test(source.problem), name);
    }
  });

  it('refuses JSON data and a binary file shown as text', () => {
    const json = describeTextSource({ name: 'package.json', text: read('package.json'), languageId: 'json' });
    assert.ok(!json.usable && /^package\.json is JSON data, not text to learn; open a text file/.test(json.problem));
    const png = describeTextSource({ name: 'icon.png', text: read('media/icon.png'), languageId: 'plaintext' });
    assert.ok(!png.usable && /^icon\.png looks like a binary file/.test(png.problem));
  });

  it('offers prose and code, and refuses an empty editor or none', () => {
    assert.deepEqual(describeTextSource({ name: 'README.md', text: read('README.md'), languageId: 'markdown' }).usable, true);
    const code = describeTextSource({ name: 'catalog.ts', text: read('src/shared/catalog.ts'), languageId: 'typescript' });
    assert.match(code.description, /^catalog\.ts, \d+k characters$/);
    const empty = describeTextSource({ name: 'Untitled-1', text: ' \n', languageId: 'plaintext' });
    assert.ok(!empty.usable && /^Untitled-1 is empty; open a file with some text in it/.test(empty.problem));
    assert.equal(describeTextSource(undefined).description, 'no editor is open');
  });
});
