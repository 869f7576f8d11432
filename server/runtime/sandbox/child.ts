/**
 * An evaluation process: runs user-controlled evaluation (JSONata expressions, rules and their regular
 * expressions, pure handlers) for the engine, one task at a time. It is its own process so that the
 * parent can kill it at any instant (a regex backtracking, a built-in grinding through 100 million
 * characters) and so that running out of memory here ends this process only.
 */
import { loadNodeRegistry } from '../../../nodes/registry.js';
import { NodeError } from '../../../nodes/contract.js';
import { evaluateTask } from './evaluate.js';
import type { ChildMessage, ParentMessage, WireError } from './protocol.js';

const maxResultBytes = Number(process.env.SANDBOX_MAX_RESULT_BYTES) || 16 * 1024 * 1024;

function send(message: ChildMessage): void {
  process.send!(message);
}

function toWire(err: unknown): WireError {
  const e = err as { name?: string; message?: string; code?: unknown; path?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.path === 'string' ? { path: e.path } : {}),
  };
}

// The parent gone (even by kill -9) closes the channel: nothing is left for this process to do.
process.on('disconnect', () => process.exit(0));

const registry = await loadNodeRegistry();

process.on('message', async ({ id, task }: ParentMessage) => {
  try {
    const result = await evaluateTask(registry, task);
    const bytes = Buffer.byteLength(JSON.stringify(result) ?? '');
    if (bytes > maxResultBytes) {
      throw new NodeError(
        `The step's result is ${Math.round(bytes / 1048576)} MB, over the ${Math.round(maxResultBytes / 1048576)} MB limit for what expressions and rules may produce.`,
        'output_too_large',
      );
    }
    send({ id, ok: true, result });
  } catch (err) {
    send({ id, ok: false, error: toWire(err) });
  }
});

send({ ready: true });
