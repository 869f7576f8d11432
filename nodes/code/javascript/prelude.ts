/**
 * JavaScript that runs inside the isolate, around the user's code. Nothing here is trusted by the host:
 * whatever comes back is one string that `outcome.ts` parses and checks.
 */

/** The user's code is the body of an async function with these parameters. */
export const PARAMETERS = ['input', '$trigger', '$node', '$execution', 'console'] as const;

export const LOG_LIMITS = { lines: 200, lineChars: 2000 } as const;
/** Largest JSON a call may return (characters). */
export const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

/**
 * Run once in each context, after `HARDEN`: its value is the runner the host calls for every call with the
 * user's function and the arguments as JSON. The runner gives the call its own `console` and log lines,
 * awaits the function and serialises the outcome with built-ins captured here (and frozen by `HARDEN`).
 */
export const PRELUDE = `(function () {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const toText = String;
  const slice = Function.prototype.call.bind(String.prototype.slice);
  const then = Function.prototype.call.bind(Promise.prototype.then);
  const freeze = Object.freeze;
  function show(value) {
    try {
      if (typeof value === 'string') return value;
      const json = stringify(value);
      return json === undefined ? toText(value) : json;
    } catch (e) {
      try { return toText(value); } catch (e2) { return '[value that cannot be shown]'; }
    }
  }
  function describe(error) {
    try {
      if (error !== null && typeof error === 'object' && 'message' in error) {
        const name = toText(error.name);
        const message = toText(error.message);
        return name && name !== 'Error' && name !== 'undefined' ? name + ': ' + message : message;
      }
      return toText(error);
    } catch (e) {
      return 'the code threw a value that cannot be shown';
    }
  }
  function notJson(key, value) {
    const type = typeof value;
    if (type === 'function' || type === 'symbol' || type === 'bigint') {
      throw new TypeError((key === '' ? 'it is a ' : 'it holds a ') + type + (key === '' ? '' : ' at key "' + slice(toText(key), 0, 100) + '"'));
    }
    return value;
  }
  function call(fn, argsJson) {
    freeze(fn);
    const logs = [];
    let dropped = 0;
    function writer(prefix) {
      return function () {
        if (logs.length >= ${LOG_LIMITS.lines}) { dropped++; return; }
        let line = prefix;
        for (let i = 0; i < arguments.length && line.length <= ${LOG_LIMITS.lineChars}; i++) {
          line += (i ? ' ' : '') + slice(show(arguments[i]), 0, ${LOG_LIMITS.lineChars + 1});
        }
        logs[logs.length] = line.length > ${LOG_LIMITS.lineChars} ? slice(line, 0, ${LOG_LIMITS.lineChars}) + '…' : line;
      };
    }
    const console = freeze({ log: writer(''), info: writer(''), debug: writer(''), warn: writer('warn: '), error: writer('error: ') });
    // The envelope is concatenated by hand: even with the prototypes frozen, a returned object's own toJSON
    // is the user's; a primitive string has no such hook.
    function envelope(head) {
      let out = '{' + head + ',"dropped":' + dropped + ',"logs":[';
      for (let i = 0; i < logs.length; i++) out += (i ? ',' : '') + stringify(logs[i]);
      return out + ']}';
    }
    function failure(code, message) {
      return envelope('"ok":false,"code":' + stringify(code) + ',"message":' + stringify(slice(toText(message), 0, 2000)));
    }
    function finish(value) {
      let json;
      try {
        json = stringify(value === undefined ? null : value, notJson);
      } catch (e) {
        return failure('invalid_output', 'The returned value is not JSON: ' + describe(e) + '. Return objects, arrays, strings, numbers, booleans or null.');
      }
      if (typeof json !== 'string') return failure('invalid_output', 'The returned value is not JSON.');
      if (json.length > ${MAX_OUTPUT_CHARS}) return failure('output_too_large', 'The returned value is ' + json.length + ' characters of JSON; at most ${MAX_OUTPUT_CHARS} are kept.');
      return envelope('"ok":true,"value":' + json);
    }
    const args = parse(argsJson);
    return then(fn(args.input, args.trigger, args.node, args.execution, console), finish, function (e) { return failure('script_error', describe(e)); });
  }
  return call;
})();`;

/**
 * The user's code as a script whose value is its function. Compiled once per isolate and source, run once
 * per context; the syntax check has proved first that the code is one function body, so it cannot close the
 * wrapper early.
 */
export const wrapped = (code: string): string => `(async function (${PARAMETERS.join(', ')}) {\n${code}\n})`;

/**
 * Evaluated in a context of its own that runs no user code: the AsyncFunction constructor parses the code
 * as a function body (and refuses one that closes it early) without calling it. Answers '' or the error.
 */
export const SYNTAX_CHECK = `(function (code) {
  try {
    new (Object.getPrototypeOf(async function () {}).constructor)(${PARAMETERS.map((p) => `'${p}'`).join(', ')}, code);
    return '';
  } catch (e) {
    return String(e && e.name) + ': ' + String(e && e.message);
  }
})`;
