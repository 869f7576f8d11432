import { defineNode } from '../../contract.js';
import { IsolatePool } from './isolate-pool.js';
import { callLimits, codeCeilings, explainedByCeiling, perTenantIsolates } from './limits.js';
import { runCode, type CodeCall } from './run-code.js';
import { configSchema, type Config } from './schema.js';

/** Read when the registry loads the node, so a bad CODE_* variable stops the start with a configuration error. */
const ceilings = codeCeilings();

/**
 * One pool per process. isolated-vm runs each isolate on its own thread, so a script that loops keeps a
 * pool thread busy, never the event loop that serves HTTP.
 */
export const codePool = new IsolatePool({ isolates: ceilings.isolates, perKey: perTenantIsolates(ceilings) });

// Copying every finished node's output into each call would cost as much as the call; the code can only
// name `$trigger` and `$node` in its text (there is no other way to reach a parameter), so they are copied
// only when it does.
const names = (code: string, variable: string) => new RegExp(`\\${variable}\\b`).test(code);

export default defineNode<Config>({
  type: 'code.javascript',
  category: 'Code',
  title: 'JavaScript',
  description:
    'Runs your JavaScript in an isolated-vm sandbox. The code is the body of an async function: `input` ($json), `$trigger`, `$node` and `$execution` ' +
    '({id, flowId}) are in scope, `await` works, and the returned value (JSON) is emitted on main; a thrown error fails the step with its message ' +
    '(or goes to the error port when it is wired). `console.log/warn/error` write to the step\'s logs (200 lines of 2,000 characters at most). ' +
    'There is no require, process, timers, network or file system: values are copied in and out. Memory (memoryMb) and time (timeLimitMs) are limited ' +
    'per node within the server\'s CODE_MEMORY_MB and CODE_TIME_LIMIT_MS (and, with billing on, the plan\'s lower ceilings); past either the code is stopped and the step fails naming the limit.',
  configSchema,
  uiSchema: { code: { 'ui:widget': 'code', 'ui:options': { language: 'javascript' } } },
  outputs: ['main', 'error'],
  // The code reaches nothing outside the isolate (no network, files or timers): a step lost in a crash is run again.
  replayable: true,
  // JavaScript is full of `{{`: the code is never read as an expression template.
  rawFields: ['code'],
  async run({ config, input, trigger, nodes, execution, signal, log, ceilings: tenant }) {
    const args: CodeCall['args'] = { input: input ?? null, execution: { id: execution.id, flowId: execution.flowId } };
    if (names(config.code, '$trigger')) args.trigger = trigger ?? null;
    if (names(config.code, '$node')) args.node = nodes ?? {};
    const limits = callLimits(config, ceilings, tenant);
    try {
      const { value, logs } = await runCode(codePool, { code: config.code, args, tenant: execution.subaccountId, limits, signal });
      for (const line of logs) log(line);
      return { main: value };
    } catch (err) {
      for (const line of (err as { logs?: string[] }).logs ?? []) log(line);
      throw explainedByCeiling(err, limits);
    }
  },
});
