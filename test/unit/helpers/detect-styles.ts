// The detector's result on an own style fixture (test/fixtures/detect/styles), cut to the fields a test labels.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectedCell, type DetectLanguage } from '../../../src/detect';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'detect', 'styles');

/** The fields most style tests label: which cell, what kind, where, and each gate's lines. */
const LABELLED = ['name', 'kind', 'range', 'gates'] as const;

/** The language of a fixture, by its extension. */
export function fixtureLanguage(file: string): DetectLanguage {
  return file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : 'javascript';
}

export function styleCells<K extends keyof DetectedCell = (typeof LABELLED)[number]>(
  file: string,
  language: DetectLanguage = fixtureLanguage(file),
  fields: readonly K[] = LABELLED as readonly (keyof DetectedCell)[] as readonly K[],
): Pick<DetectedCell, K>[] {
  return detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), language).map((cell) => {
    const picked = {} as Pick<DetectedCell, K>;
    for (const k of fields) picked[k] = cell[k];
    return picked;
  });
}
