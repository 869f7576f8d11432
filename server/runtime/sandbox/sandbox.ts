import { readFileSync } from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { NodeError, RetryableError } from '../../../nodes/contract.js';
import { ExpressionError } from '../expressions.js';
import { FairQueue } from './fair-queue.js';
import type { SandboxLimits } from './limits.js';
import type { ChildMessage, EvaluationResult, EvaluationTask, WireError } from './protocol.js';


// JSONata's own timeout (the same limit, checked between evaluation steps) usually answers first with a
// clearer message; the kill is for what it cannot interrupt (a regex, one long built-in call).
const KILL_GRACE_MS = 150;
// A nice value: on a busy machine the serving process gets about nine tenths of a contended core.
const EVALUATION_PRIORITY = 10;
// A process that cannot start (a broken install) must not be respawned in a tight loop.
const MAX_START_FAILURES = 3;

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(`./child${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url));
// From sources (tests, `npm run dev`) the child needs tsx as its loader; `import.meta.resolve` is not
// available where tsx compiles this file as CommonJS, `require.resolve` is.
const LOADER = FROM_SOURCES ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

interface Job {
  id: number;
  key: string;
  task: EvaluationTask;
  resolve(result: EvaluationResult): void;
  reject(err: Error): void;
}

interface Slot {
  child?: ChildProcess;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
  stderr: string;
}

function fromWire(error: WireError): Error {
  if (error.name === 'ExpressionError') return new ExpressionError(error.message, error.path ?? '');
  if (error.name === 'NodeError') return new NodeError(error.message, error.code);
  if (error.name === 'RetryableError') return new RetryableError(error.message, error.code);
  return new Error(error.message);
}

/**
 * Runs user-controlled evaluation in a few child processes, so that no expression, regex or loop a
 * tenant writes can hold the event loop that serves every tenant's HTTP, or grow this process's
 * memory. A task over its time is killed with its process; a task that runs its process out of memory
 * takes only that process down. Either way only that step fails, with a message naming the limit.
 */
/** A task may wait this many times its CPU limit in wall time on a starved machine before it is stopped anyway. */
const MAX_WALL_FACTOR = 10;
/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const MS_PER_TICK = 10;

/** CPU time (user + system) a process has used, from /proc; null where /proc is not available. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the state, field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return null;
  }
}

export class Sandbox {
  private readonly slots: Slot[];
  private readonly queue = new FairQueue<Job>();
  private nextId = 1;
  private startFailures = 0;
  private closed = false;

  constructor(
    readonly limits: SandboxLimits,
    private readonly logger: Logger,
  ) {
    this.slots = Array.from({ length: limits.processes }, () => ({ ready: false, timedOut: false, stderr: '' }));
  }

  /** Starts one evaluation process ahead of the first task, so the first flow run does not wait for it. */
  warm(): void {
    if (!this.closed && !this.slots[0].child) this.spawn(this.slots[0]);
  }

  /** `key` groups tasks for fairness (the sub-account); a task still queued when `signal` aborts is dropped. */
  run(task: EvaluationTask, key: string, signal?: AbortSignal): Promise<EvaluationResult> {
    if (this.closed) return Promise.reject(new RetryableError('The engine is shutting down.', 'shutting_down'));
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    return new Promise<EvaluationResult>((resolve, reject) => {
      // The signal lives as long as the execution: its listener must leave with the task.
      const onAbort = () => this.queue.remove(key, job) && reject(new Error('aborted'));
      const done = () => signal?.removeEventListener('abort', onAbort);
      const job: Job = {
        id: this.nextId++,
        key,
        task,
        resolve: (result) => (done(), resolve(result)),
        reject: (err) => (done(), reject(err)),
      };
      this.queue.push(key, job);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.drain()) job.reject(new RetryableError('The engine is shutting down.', 'shutting_down'));
    await Promise.all(
      this.slots.map((slot) => {
        const child = slot.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        return new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          this.hold(child, true);
          child.kill('SIGKILL');
        });
      }),
    );
  }

  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (!this.queue.size) return;
      if (!slot.child) this.spawn(slot);
      else if (slot.ready && !slot.job) this.dispatch(slot, this.queue.shift()!);
    }
  }

  private spawn(slot: Slot): void {
    const child = fork(CHILD, [], {
      execArgv: [...LOADER, `--max-old-space-size=${this.limits.memoryMb}`],
      // Only what the child needs: it must not hold the server's secrets.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? '', SANDBOX_MAX_RESULT_BYTES: String(this.limits.maxResultBytes) },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    Object.assign(slot, { child, ready: false, job: undefined, timedOut: false, stderr: '' });
    // Tenants' evaluation yields the CPU to the process serving every tenant's requests (set at once, so
    // the child's own start-up runs at this priority too).
    try {
      if (child.pid) setPriority(child.pid, EVALUATION_PRIORITY);
    } catch (err) {
      this.logger.debug({ err }, 'could not lower the evaluation process priority');
    }
    child.stderr!.on('data', (chunk: Buffer) => {
      slot.stderr = (slot.stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (message: ChildMessage) => {
      if ('ready' in message) {
        slot.ready = true;
        this.startFailures = 0;
        this.hold(child, false);
        this.pump();
      } else this.settle(slot, message);
    });
    child.on('error', (err) => this.logger.error({ err }, 'evaluation process error'));
    child.once('exit', (code, signal) => this.exited(slot, child, code, signal));
  }

  /** A process keeps the program alive only while work waits on it: idle ones must not hold a finished program. */
  private hold(child: ChildProcess, busy: boolean): void {
    const channel = child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (busy) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    this.hold(slot.child!, true);
    slot.timedOut = false;
    // The limit is on CPU time: a process starved by a busy machine (it runs at nice 10) is not killed
    // for waiting its turn, only for working past the limit, or for ten times the limit in wall time.
    const pid = slot.child!.pid;
    const cpuAtStart = processCpuMs(pid);
    const startedAt = Date.now();
    const watch = (delay: number) => {
      slot.timer = setTimeout(() => {
        const used = cpuAtStart === null ? null : processCpuMs(pid);
        const cpuUsed = used === null || cpuAtStart === null ? Infinity : used - cpuAtStart;
        if (cpuUsed < this.limits.timeLimitMs && Date.now() - startedAt < this.limits.timeLimitMs * MAX_WALL_FACTOR) {
          watch(this.limits.timeLimitMs - cpuUsed + KILL_GRACE_MS);
          return;
        }
        slot.timedOut = true;
        job.reject(
          new NodeError(
            `The step's expressions and rules ran past the ${this.limits.timeLimitMs} ms time limit and were stopped. Simplify the expression or regular expression, or work on smaller input.`,
            'time_limit_exceeded',
          ),
        );
        slot.child?.kill('SIGKILL');
      }, delay);
    };
    watch(this.limits.timeLimitMs + KILL_GRACE_MS);
    try {
      slot.child!.send({ id: job.id, task: job.task });
    } catch (err) {
      clearTimeout(slot.timer);
      slot.job = undefined;
      job.reject(new NodeError(`The step's input cannot be evaluated: ${(err as Error).message}`, 'invalid_input'));
      this.pump();
    }
  }

  private settle(slot: Slot, message: Exclude<ChildMessage, { ready: true }>): void {
    const job = slot.job;
    if (!job || job.id !== message.id || slot.timedOut) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    this.hold(slot.child!, false);
    if (message.ok) job.resolve(message.result);
    else job.reject(fromWire(message.error));
    this.pump();
  }

  private exited(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    clearTimeout(slot.timer);
    const { job, ready, timedOut, stderr } = slot;
    Object.assign(slot, { child: undefined, ready: false, job: undefined });
    if (job && !timedOut) {
      const outOfMemory = /heap out of memory|heap limit/i.test(stderr) || signal === 'SIGABRT';
      job.reject(
        outOfMemory
          ? new NodeError(
              `The step's expressions and rules needed more than the ${this.limits.memoryMb} MB memory limit and were stopped. Work on smaller values.`,
              'memory_limit_exceeded',
            )
          : new NodeError(`The step's evaluation stopped unexpectedly (${signal ?? `exit code ${code}`}).`, 'sandbox_failed'),
      );
      if (outOfMemory) this.logger.warn({ nodeId: job.task.nodeId, executionId: job.task.execution.id }, 'evaluation process ran out of memory');
    }
    if (!ready && !this.closed) {
      this.logger.error({ code, signal, stderr: stderr.slice(-1000) }, 'evaluation process could not start');
      if (++this.startFailures >= MAX_START_FAILURES) {
        this.startFailures = 0;
        for (const queued of this.queue.drain()) {
          queued.reject(new NodeError('Expressions cannot be evaluated: the evaluation process does not start (see the server log).', 'sandbox_failed'));
        }
      }
    }
    this.pump();
  }
}
