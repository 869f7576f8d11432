import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** DATA_DIR holds the database (webhook tokens, sealed secrets) and keys: only its owner may read it. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** chmod to `mode`; a path that belongs to someone else (a mounted volume) is left as it is, since only its owner may change it. */
function tighten(path: string, mode: number): void {
  if ((lstatSync(path).mode & 0o777) === mode) return;
  try {
    chmodSync(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/**
 * Creates `dir` (0700) if needed and tightens what is already there: the folder to 0700, each file
 * directly in it (database, -wal, -shm, journal, keys) to 0600, each sub-folder to 0700. Symbolic links
 * are left alone (chmod would follow them out of the folder).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) tighten(join(dir, entry.name), PRIVATE_FILE_MODE);
    else if (entry.isDirectory()) tighten(join(dir, entry.name), PRIVATE_DIR_MODE);
  }
}

/**
 * Creates `file` empty with mode 0600 if it does not exist (SQLite treats an empty file as a new
 * database, and gives its -wal, -shm and journal files the database file's mode), else tightens it.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE);
}
