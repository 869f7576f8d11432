import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NodeError } from '../../contract.js';
import type { Extracted } from './extract.js';
import type { FieldSpec } from './schema.js';

export interface ExtractJob {
  id: number;
  html: string;
  url: string;
  itemSelector: string;
  fields: Record<string, FieldSpec>;
  nextPageSelector?: string;
  /** Records still wanted: the rest are not built. */
  maxItems: number;
}

export type ExtractReply = { id: number; items: Record<string, unknown>[]; next: string | null } | { id: number; error: string };

// The same module runs from TypeScript sources (tsx, whose loader the worker needs too) and from dist/.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_FILE = new URL(`./extract-worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);
const LOADER = FROM_SOURCES ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

/** Heap of the parsing thread: a page's DOM is several times its size; past this the worker dies, not the server. */
export const PARSER_HEAP_MB = 256;

interface Waiting {
  resolve(found: Extracted): void;
  reject(err: Error): void;
}

/**
 * Parsing a page of megabytes and running CSS selectors over it takes long enough to stall every other
 * request the process serves, so it happens on a worker thread, one per scrape run: a run that is
 * cancelled or times out terminates it mid-parse, and a DOM past the heap limit ends the worker only.
 */
export class Extractor {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  private start(): Worker {
    const worker = new Worker(WORKER_FILE, { execArgv: LOADER, resourceLimits: { maxOldGenerationSizeMb: PARSER_HEAP_MB } });
    worker.on('message', (reply: ExtractReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiting?.reject(new NodeError(`The page could not be parsed: ${reply.error}`, 'parse_failed'));
      else waiting?.resolve({ items: reply.items, next: reply.next === null ? null : new URL(reply.next) });
    });
    const fail = (err: Error) => {
      const outOfMemory = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      const error = outOfMemory
        ? new NodeError(`The page was too large to parse within ${PARSER_HEAP_MB} MB; lower maxPageBytes or scrape smaller pages.`, 'parse_failed')
        : new NodeError(`The page parser stopped: ${err.message}`, 'parse_failed');
      this.failAll(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.waiting.size) this.failAll(new NodeError(`The page parser exited (code ${code}).`, 'parse_failed'));
    });
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  extract(job: Omit<ExtractJob, 'id'>, signal: AbortSignal): Promise<Extracted> {
    signal.throwIfAborted();
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<Extracted>((resolve, reject) => {
      const onAbort = () => {
        // The only way to stop a parse in progress.
        this.waiting.delete(id);
        void this.close();
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        signal.removeEventListener('abort', onAbort);
        done(value);
      };
      this.waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      worker.postMessage({ ...job, id } satisfies ExtractJob);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
