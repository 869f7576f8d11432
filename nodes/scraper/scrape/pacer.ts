import { setTimeout as sleep } from 'node:timers/promises';

/** Spaces requests to one host at least `delayMs` apart (per host, per run). */
export class HostPacer {
  private readonly last = new Map<string, number>();

  constructor(private readonly delayMs: number) {}

  async wait(host: string, signal: AbortSignal, extraDelayMs = 0): Promise<void> {
    const previous = this.last.get(host);
    const delay = Math.max(this.delayMs, extraDelayMs);
    if (previous !== undefined) {
      const due = previous + delay - Date.now();
      if (due > 0) await sleep(due, undefined, { signal });
    }
    this.last.set(host, Date.now());
  }
}
