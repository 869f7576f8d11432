import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TSX = `${ROOT}node_modules/tsx/dist/cli.mjs`;

/** How much of a child's output is kept in memory (the whole of it goes to its log file). */
const TAIL_CHARS = 64 * 1024;

export interface Child {
  name: string;
  pid: number;
  logFile: string;
  /** The last TAIL_CHARS characters of stdout and stderr together. */
  tail(): string;
  /** Lines of output seen so far (at LOG_LEVEL=warn every line is a warning or worse). */
  lines(): number;
  onLine(listener: (line: string) => void): void;
  exited(): { code: number | null; signal: NodeJS.Signals | null } | null;
  stop(): Promise<void>;
}

/** A free TCP port on loopback: listen on 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

let built = false;

/**
 * Runs Switchboard as `npm start` does: the compiled server in dist/ (built once per benchmark run, as
 * start.mjs would when the sources are newer), so figures are those of what users run, not of tsx.
 */
export function spawnServer(name: string, command: 'start' | 'worker', env: Record<string, string>, logFile: string): Child {
  if (!built) {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`], { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  return spawnNode(name, [`${ROOT}dist/server/cli.js`, command], env, logFile);
}

/** Runs a TypeScript entry point with tsx in its own process group, logging its output to a file. */
export function spawnTs(name: string, args: string[], env: Record<string, string>, logFile: string): Child {
  return spawnNode(name, [TSX, ...args], env, logFile);
}

/** Runs a JavaScript entry point with this Node.js in its own process group, logging its output to a file. */
export function spawnNode(name: string, args: string[], env: Record<string, string>, logFile: string, cwd = ROOT): Child {
  const child = spawn(process.execPath, args, {
    cwd,
    // BENCH_NODE_OPTIONS reaches every process the benchmark starts, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return wrap(name, child, createWriteStream(logFile), logFile);
}

function wrap(name: string, child: ChildProcess, log: WriteStream, logFile: string): Child {
  let text = '';
  let partial = '';
  let lineCount = 0;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const listeners: ((line: string) => void)[] = [];
  const onData = (chunk: Buffer) => {
    const s = chunk.toString();
    log.write(s);
    text = (text + s).slice(-TAIL_CHARS);
    const parts = (partial + s).split('\n');
    partial = parts.pop() ?? '';
    lineCount += parts.length;
    for (const line of parts) for (const l of listeners) l(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const done = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      log.end();
      resolve();
    }),
  );
  return {
    name,
    pid: child.pid!,
    logFile,
    tail: () => text,
    lines: () => lineCount,
    onLine: (listener) => void listeners.push(listener),
    exited: () => exit,
    stop: () => stopGroup(child.pid!, () => exit !== null, done),
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** SIGTERM to the child's process group, SIGKILL after 15 s, and SIGKILL for stragglers of the group. */
async function stopGroup(pid: number, hasExited: () => boolean, done: Promise<void>): Promise<void> {
  if (!hasExited()) {
    signalGroup(pid, 'SIGTERM');
    const timer = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
    await Promise.race([done, timer]);
  }
  signalGroup(pid, 'SIGKILL');
  await Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())]);
}
