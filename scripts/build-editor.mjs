// Builds the editor (editor/ → editor/dist) when its build is missing or older than its sources, so that
// `npm start` and the end-to-end tests serve the current editor. Run directly to build if needed;
// `--force` builds anyway.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const editor = join(root, 'editor');
export const editorDist = join(editor, 'dist');
const builtMarker = join(editorDist, 'index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function editorIsStale() {
  if (!existsSync(join(editor, 'index.html'))) return false; // no editor sources: nothing to build
  return !existsSync(builtMarker) || statSync(builtMarker).mtimeMs < newest(editor);
}

/** Builds when stale; returns whether it built. Without Vite (a production install) it leaves what is there. */
export function ensureEditorBuilt({ force = false } = {}) {
  if (!force && !editorIsStale()) return false;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    console.error('The editor build is missing or stale, and Vite is not installed (npm install without --omit=dev builds it).');
    return false;
  }
  console.error('Building the editor (editor/dist is missing or stale)…');
  execFileSync(process.execPath, [vite, 'build', '--config', join(editor, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureEditorBuilt({ force: process.argv.includes('--force') });
}
