import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { send } from './server.js';
import type { Client } from './story.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches, rejects when the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `server/cli.ts` as its own process, the way `npm run switchboard` does. */
export function spawnCli(args: string[], env: Record<string, string>): Spawned {
  // Node itself runs the server (tsx only as a loader), so a signal reaches the server and not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}; output:\n${text}`)), timeoutMs);
        const check = () => {
          const match = text.match(pattern);
          if (match) finish(null, match);
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`process exited before ${pattern}; output:\n${text}`));
        };
        function finish(err: Error | null, match?: RegExpMatchArray) {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve(match!);
        }
        listeners.add(check);
        check();
      });
    },
  };
}

/** A Switchboard in its own process: it can be killed with SIGKILL and started again on the same data. */
export class ServerProcess {
  private process?: Spawned;
  url = '';
  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    this.process = spawnCli(['start'], this.env);
    this.url = (await this.process.waitFor(/Switchboard listening on (http:\/\/[\d.:]+)/))[1];
  }

  async kill(): Promise<void> {
    this.process?.child.kill('SIGKILL');
    await this.process?.exited;
  }

  /** Resident memory of the server process, in bytes (Linux). */
  rss(): number {
    const status = readFileSync(`/proc/${this.process!.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }

  client(): Client {
    return { request: (method, path, options) => send(this.url, method, path, options) };
  }
}
