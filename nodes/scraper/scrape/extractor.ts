import { createRequire } from 'node:module';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

// The same module runs from TypeScript sources (tsx, whose loader the parser process needs too) and from dist/.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER_FILE = new URL(`./extract-worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);
const LOADER = FROM_SOURCES ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

/** Heap of the parsing process: a page's DOM is several times its size; past this the parser dies, not the server. */
export const PARSER_HEAP_MB = 256;

interface Waiting {
  resolve(found: Extracted): void;
  reject(err: Error): void;
}

/**
 * Parsing a page of megabytes and running CSS selectors over it takes long enough to stall every other
 * request the process serves, so it happens in a child process, one per scrape run: a run that is
 * cancelled or times out kills it mid-parse, and a DOM past the heap limit ends the parser only. Not a
 * worker thread: V8 sometimes aborts the whole process when a thread reaches its heap limit ("Reached
 * heap limit", seen in CI) instead of ending the thread, as the evaluation sandbox found too.
 */
export class Extractor {
  private parser: ChildProcess | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  private start(): ChildProcess {
    const parser = fork(fileURLToPath(WORKER_FILE), [], {
      execArgv: [...LOADER, `--max-old-space-size=${PARSER_HEAP_MB}`],
      // Nothing of the server's environment (secrets) is the parser's business.
      env: { PATH: process.env.PATH ?? '' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    parser.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    parser.on('message', (reply: ExtractReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiting?.reject(new NodeError(`The page could not be parsed: ${reply.error}`, 'parse_failed'));
      else waiting?.resolve({ items: reply.items, next: reply.next === null ? null : new URL(reply.next) });
    });
    parser.on('error', (err) => this.failAll(new NodeError(`The page parser stopped: ${err.message}`, 'parse_failed')));
    parser.on('exit', (code, signal) => {
      if (this.parser === parser) this.parser = undefined;
      if (!this.waiting.size) return;
      const outOfMemory = /heap out of memory|Reached heap limit/i.test(stderr);
      this.failAll(
        outOfMemory
          ? new NodeError(`The page was too large to parse within ${PARSER_HEAP_MB} MB; lower maxPageBytes or scrape smaller pages.`, 'parse_failed')
          : new NodeError(`The page parser exited (${signal ?? `code ${code}`}).`, 'parse_failed'),
      );
    });
    return parser;
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  extract(job: Omit<ExtractJob, 'id'>, signal: AbortSignal): Promise<Extracted> {
    signal.throwIfAborted();
    const parser = (this.parser ??= this.start());
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
      parser.send({ ...job, id } satisfies ExtractJob);
    });
  }

  async close(): Promise<void> {
    const parser = this.parser;
    this.parser = undefined;
    if (!parser || parser.exitCode !== null || parser.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      parser.once('exit', () => resolve());
      parser.kill('SIGKILL');
    });
  }
}
