// The cells detected in an own style fixture (test/fixtures/detect/styles), as the style tests compare them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectedCell, type DetectLanguage } from '../../src/detect';

const dir = path.join(__dirname, '..', 'fixtures', 'detect', 'styles');

export function styleCells(file: string, language: DetectLanguage = 'javascript'): Pick<DetectedCell, 'name' | 'kind' | 'range' | 'gates'>[] {
  return detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), language).map(({ name, kind, range, gates }) => ({ name, kind, range, gates }));
}
