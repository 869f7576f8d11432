// Runs the built server, building first when dist/ is missing or older than the sources, so that
// `npm install && npm start` works on a fresh clone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureEditorBuilt } from './build-editor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'server', 'cli.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (/\.(ts|json)$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const sources = ['server', 'nodes', 'schemas', 'seeds'].map((d) => join(root, d)).filter(existsSync);
const sourceTime = Math.max(...sources.map(newest), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(entry) || statSync(entry).mtimeMs < sourceTime) {
  console.error('Building Switchboard (dist/ is missing or stale)…');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
    cwd: root,
  });
}
// The web server serves the editor at `/`; workers and other commands do not need it.
if ((process.argv[2] ?? 'start') === 'start') ensureEditorBuilt();
process.argv.splice(2, 0, ...(process.argv.length > 2 ? [] : ['start']));
await import(pathToFileURL(entry).href);
