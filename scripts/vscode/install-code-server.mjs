#!/usr/bin/env node
// Installs code-server (a real VS Code 1.100.3 server) from the npm registry into a
// project-local, git-ignored folder, so integration tests can run without internet
// access to update.code.visualstudio.com. Idempotent: does nothing when a working
// install is already there.
//
// Usage: node scripts/vscode/install-code-server.mjs [--force]
// Env:   LSTM_LAB_CODE_SERVER_DIR  install folder (default <repo>/.harness/code-server)
//
// Needs the Debian packages from scripts/vscode/ensure-deps.sh (libkrb5-dev, ripgrep,
// build-essential, python3). The four fixes applied here are those found on these
// machines (see ../shared/notes/vscode-in-ci.md when present):
//   1. npm_config_unsafe_perm=true   code-server's postinstall refuses root otherwise;
//   2. libkrb5-dev                   the `kerberos` native module needs gssapi/gssapi.h;
//   3. ripgrep cache tarball         @vscode/ripgrep would download rg from GitHub unless
//                                    its cache already holds the release tarball: we pack
//                                    Debian's /usr/bin/rg under that name;
//   4. npm_config_yes + nodedir=/usr node-pty runs `npx node-gyp`, and node-gyp must use
//                                    the local Node headers instead of downloading them.
// npm 11 also skips dependencies' install scripts by default; this install (and only it)
// allows them, since code-server is nothing but its postinstall's native builds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerDir, codeServerEntry, CODE_SERVER_VERSION, repoRoot } from './paths.mjs';

const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function fail(message) {
  console.error(`install-code-server: ${message}`);
  process.exit(1);
}

/** The installed version, or null when the install is missing or broken. */
export function installedVersion() {
  const entry = codeServerEntry();
  if (!fs.existsSync(entry) || !fs.existsSync(path.join(codeServerDir(), '.install-complete'))) return null;
  // Even `--version` writes ~/.config/code-server/config.yaml: give it a throwaway home.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-code-server-version-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share') };
  const result = spawnSync(process.execPath, [entry, '--version'], { encoding: 'utf8', timeout: 60_000, env });
  fs.rmSync(home, { recursive: true, force: true });
  if (result.status !== 0) return null;
  // The postinstall must have run: it builds lib/vscode's node_modules (native modules).
  if (!fs.existsSync(path.join(codeServerDir(), 'node_modules/code-server/lib/vscode/node_modules/node-pty'))) return null;
  // A fresh home makes it log "Wrote default config file" first: take the version line.
  const line = result.stdout.split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l));
  return line ? line.split(' ')[0] : null;
}

function checkPrerequisites() {
  const problems = [];
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) problems.push('gssapi/gssapi.h (Debian package libkrb5-dev)');
  if (!fs.existsSync('/usr/bin/rg')) problems.push('/usr/bin/rg (Debian package ripgrep)');
  if (spawnSync('make', ['--version']).status !== 0 || spawnSync('g++', ['--version']).status !== 0) problems.push('make and g++ (Debian package build-essential)');
  if (spawnSync('python3', ['--version']).status !== 0) problems.push('python3');
  if (!fs.existsSync('/usr/include/node/node.h')) problems.push('/usr/include/node/node.h (Node headers, Debian/NodeSource nodejs package)');
  if (problems.length) fail(`missing ${problems.join(', ')}. Run: bash scripts/vscode/ensure-deps.sh`);
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) console.warn(`install-code-server: warning: Node ${process.versions.node}; code-server ${CODE_SERVER_VERSION} was checked with Node 20`);
}

function main() {
  const force = process.argv.includes('--force');
  const dir = codeServerDir();
  if (!force) {
    const version = installedVersion();
    if (version === CODE_SERVER_VERSION) {
      console.log(`install-code-server: code-server ${version} already installed in ${path.relative(repoRoot, dir) || dir}`);
      return;
    }
    if (version) console.log(`install-code-server: found ${version}, want ${CODE_SERVER_VERSION}: reinstalling`);
  }
  checkPrerequisites();
  const started = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  // A package.json of its own keeps npm from walking up into the project's package.json.
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'lstm-lab-code-server', private: true, description: 'code-server for LSTM Lab integration tests (generated)' }, null, 2) + '\n',
  );

  // Fix 3: the ripgrep download cache, filled from Debian's rg.
  const cache = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  fs.mkdirSync(cache, { recursive: true });
  const tar = spawnSync('tar', ['-czf', path.join(cache, RIPGREP_ASSET), '-C', '/usr/bin', 'rg'], { stdio: 'inherit' });
  if (tar.status !== 0) fail('could not pack /usr/bin/rg into the ripgrep cache tarball');

  const env = {
    ...process.env,
    TMPDIR: tmp, // @vscode/ripgrep looks for its cache under os.tmpdir()
    npm_config_unsafe_perm: 'true', // fix 1
    npm_config_yes: 'true', // fix 4
    npm_config_nodedir: '/usr', // fix 4
    // npm 11 skips dependencies' install scripts unless allowed, and code-server's own
    // postinstall runs nested `npm install`s (lib/vscode, its extensions) that build the
    // native modules (node-pty, kerberos, @parcel/watcher, …): allow them in this folder only.
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  console.log(`install-code-server: npm install code-server@${CODE_SERVER_VERSION} into ${path.relative(repoRoot, dir)} (a few minutes)`);
  const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const logFile = path.join(dir, 'install.log');
  fs.writeFileSync(logFile, `${npm.stdout ?? ''}\n${npm.stderr ?? ''}`);
  if (npm.status !== 0) {
    const tail = `${npm.stdout ?? ''}\n${npm.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    fail(`npm install failed (exit ${npm.status}); last lines below, full log in ${logFile}\n${tail}`);
  }
  fs.writeFileSync(path.join(dir, '.install-complete'), `${CODE_SERVER_VERSION}\n`);
  const version = installedVersion();
  if (version !== CODE_SERVER_VERSION) fail(`installed, but \`code-server --version\` reports ${version ?? 'nothing'}; see ${logFile}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`install-code-server: code-server ${version} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
