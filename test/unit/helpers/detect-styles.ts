// The detector's result on an own style fixture (test/fixtures/detect/styles), cut to the fields a test labels.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectedCell, type DetectLanguage } from '../../../src/detect';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'detect', 'styles');

export function styleCells<K extends keyof DetectedCell>(file: string, language: DetectLanguage, fields: K[]): Pick<DetectedCell, K>[] {
  return detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), language).map((cell) => {
    const picked = {} as Pick<DetectedCell, K>;
    for (const k of fields) picked[k] = cell[k];
    return picked;
  });
}
