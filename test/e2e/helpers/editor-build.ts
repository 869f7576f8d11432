import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/build-editor.mjs', import.meta.url));

/** Builds editor/dist when it is missing or older than editor/ (as `npm start` does), before a server starts. */
export function buildEditorIfStale(): void {
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
