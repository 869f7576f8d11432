import { spawnTs, type Child } from '../throughput/processes.js';
import type { Options, Window } from './load-child.js';

export type { Window };

export type PacedLoadOptions = Options;

export interface PacedLoad {
  child: Child;
  /** Wall-clock start of the load, ms. */
  started: Promise<number>;
  /** Resolves with the final window once every request was answered or failed. */
  finished: Promise<Window>;
}

/** Starts the paced load generator (load-child.ts) in a second process; `onWindow` gets each window as it ends. */
export function startPacedLoad(options: PacedLoadOptions, logFile: string, onWindow: (w: Window) => void): PacedLoad {
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error(`refusing to load ${options.url}: loopback only`);
  const child = spawnTs('soak-load', ['bench/soak/load-child.ts', JSON.stringify(options)], {}, logFile);
  let onStarted!: (at: number) => void;
  let last: Window | null = null;
  const started = new Promise<number>((resolve) => (onStarted = resolve));
  child.onLine((line) => {
    if (line.startsWith('START ')) onStarted(Number(line.slice(6)));
    else if (line.startsWith('WINDOW ')) {
      const window = JSON.parse(line.slice(7)) as Window;
      if (window.final) last = window;
      onWindow(window);
    }
  });
  const finished = new Promise<Window>((resolve, reject) => {
    const timer = setInterval(() => {
      const exit = child.exited();
      if (!exit) return;
      clearInterval(timer);
      if (last) resolve(last);
      else reject(new Error(`soak load generator exited (code ${exit.code}, signal ${exit.signal}) without its last window:\n${child.tail()}`));
    }, 100);
  });
  return { child, started, finished };
}
