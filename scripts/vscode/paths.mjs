// Where the harness keeps its things; shared by the install, run and screenshot scripts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const chromiumPath = process.env.LSTM_LAB_CHROMIUM ?? '/usr/bin/chromium';

export function codeServerDir() {
  return path.resolve(process.env.LSTM_LAB_CODE_SERVER_DIR ?? path.join(repoRoot, '.harness/code-server'));
}

export function codeServerEntry() {
  return path.join(codeServerDir(), 'node_modules/code-server/out/node/entry.js');
}
