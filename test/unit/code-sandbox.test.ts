import { expect } from 'chai';
import { IsolatePool } from '../../nodes/code/javascript/isolate-pool.js';
import type { CallLimits } from '../../nodes/code/javascript/limits.js';
import { runCode } from '../../nodes/code/javascript/run-code.js';

const LIMITS: CallLimits = { memoryMb: 64, timeLimitMs: 1000 };

interface Options {
  input?: unknown;
  tenant?: string;
  limits?: Partial<CallLimits>;
  signal?: AbortSignal;
}

describe('code.javascript sandbox (isolated-vm)', function () {
  this.timeout(60_000);
  let pool: IsolatePool;
  before(() => (pool = new IsolatePool({ isolates: 4, perKey: 2 })));
  after(() => pool.close());

  const call = (code: string, options: Options = {}) =>
    runCode(pool, {
      code,
      args: { input: options.input ?? null, execution: { id: 'e1', flowId: 'f1' } },
      tenant: options.tenant ?? 'tenant-a',
      limits: { ...LIMITS, ...options.limits },
      signal: options.signal ?? new AbortController().signal,
    });

  /** The step error a call ends with (it must end with one). */
  async function failure(code: string, options: Options = {}): Promise<{ code: string; message: string; logs?: string[] }> {
    try {
      const outcome = await call(code, options);
      throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
    } catch (err) {
      const error = err as { name: string; code: string; message: string; logs?: string[] };
      if (error.name !== 'NodeError') throw err;
      return error;
    }
  }

  describe('what the code sees and gives back', () => {
    it('runs the body of an async function on a copy of its input and returns JSON', async () => {
      const input = { order: { total: 40, items: [1, 2] } };
      const outcome = await call('input.order.total += 2; await null; return { total: input.order.total, count: input.order.items.length, execution: $execution };', { input });
      expect(outcome.value).to.deep.equal({ total: 42, count: 2, execution: { id: 'e1', flowId: 'f1' } });
      expect(input.order.total, 'the host object is untouched').to.equal(40);
    });

    it('gives null for no return value and drops undefined properties as JSON does', async () => {
      expect((await call('const x = 1;')).value).to.equal(null);
      expect((await call('return { a: undefined, b: [undefined], c: NaN };')).value).to.deep.equal({ b: [null], c: null });
    });

    it('sends console lines to the logs, capped in count and length, also when the code then fails', async () => {
      const outcome = await call('console.log("hello", { a: 1 }, [2]); console.warn("careful"); console.error(new Error("bad").message); return 1;');
      expect(outcome.logs).to.deep.equal(['hello {"a":1} [2]', 'warn: careful', 'error: bad']);
      const flood = await call('for (let i = 0; i < 10000; i++) console.log("line " + i); console.log("x".repeat(100000)); return 1;');
      expect(flood.logs).to.have.length(201);
      expect(flood.logs[0]).to.equal('line 0');
      expect(flood.logs.at(-1)).to.equal('… 9801 more console lines were dropped (at most 200 are kept).');
      const long = await call('console.log("y".repeat(100000)); return 1;');
      expect(long.logs[0]).to.have.length(2001);
      const failed = await failure('console.log("before"); throw new Error("after")');
      expect(failed.logs).to.deep.equal(['before']);
    });

    it('fails with the message of a thrown error, naming built-in error types', async () => {
      expect(await failure('throw new Error("no such customer")')).to.include({ code: 'script_error', message: 'no such customer' });
      expect((await failure('return null.x')).message).to.match(/^TypeError: Cannot read properties of null/);
      expect((await failure('throw "plain text"')).message).to.equal('plain text');
      expect((await failure('await Promise.reject(new RangeError("out"))')).message).to.equal('RangeError: out');
      expect((await failure('throw { get message() { throw new Error("nested") } }')).message).to.equal('the code threw a value that cannot be shown');
    });

    it('refuses code that does not parse, including code that tries to close the wrapper early', async () => {
      expect(await failure('return {')).to.have.property('code', 'syntax_error');
      const started = performance.now();
      const injected = await failure('}); while (true) {} (async function () {');
      expect(injected.code).to.equal('syntax_error');
      expect(performance.now() - started, 'the injected loop never ran').to.be.below(900);
      expect((await failure('})()//')).code).to.equal('syntax_error');
    });
  });

  describe('nothing carries over between calls', () => {
    it('shows no call what an earlier one set: globals, prototypes and built-ins do not change', async () => {
      await call('globalThis.secret = 42; Object.prototype.leak = "yes"; Array.prototype.push = () => 0; JSON.stringify = () => "{}"; return 1;');
      for (let i = 0; i < 4; i++) {
        const outcome = await call('const a = []; a.push(1); return [typeof secret, ({}).leak ?? null, a.length, JSON.stringify({ z: 1 })];');
        expect(outcome.value).to.deep.equal(['undefined', null, 1, '{"z":1}']);
      }
    });

    it('refuses changes to globals and built-ins with a clear error in strict code', async () => {
      expect((await failure("'use strict'; globalThis.secret = 1;")).message).to.equal('TypeError: Cannot add property secret, object is not extensible');
      expect((await failure("'use strict'; JSON.stringify = () => '{}';")).message).to.match(/^TypeError: Cannot assign to read only property 'stringify'/);
      expect((await failure("'use strict'; Object.prototype.toString = () => 'x';")).message).to.equal('TypeError: Cannot assign to toString: the built-ins are read-only in the code node');
      expect((await failure("(0, eval)('var leaked = 1');")).message).to.equal('TypeError: Cannot add property leaked, object is not extensible');
    });

    it('keeps no state where V8 keeps it per context: RegExp statics, the function object, the Symbol registry', async () => {
      await call("/(secret-[a-z]+)/.exec('x secret-abc y'); 'secret-def'.replace(/(secret)/, '$1'); return 1;");
      expect((await call("return [RegExp.$1 ?? null, RegExp.lastMatch ?? null, RegExp.input ?? null, RegExp['$_'] ?? null];")).value).to.deep.equal([null, null, null, null]);
      const counter = "const self = arguments.callee; self.count = (self.count || 0) + 1; return self.count ?? null;";
      expect((await call(counter)).value).to.equal(null);
      expect((await call(counter)).value, 'the second call of the same code sees nothing of the first').to.equal(null);
      await call("Symbol.for('secret-key'); return 1;");
      expect((await call("return Symbol.keyFor(Symbol.for('x'));")).value).to.equal('x');
    });

    it('offers nothing that runs code after the call has returned', async () => {
      expect((await call('return [typeof WebAssembly, typeof FinalizationRegistry, typeof WeakRef, typeof Atomics.waitAsync, typeof setTimeout, typeof queueMicrotask];')).value).to.deep.equal(
        Array(6).fill('undefined'),
      );
    });

    it('still lets code set a built-in name on its own objects (errors named, objects with their own toString)', async () => {
      expect((await failure("const e = new Error('bad input'); e.name = 'ValidationError'; throw e;")).message).to.equal('ValidationError: bad input');
      expect((await failure("class Missing extends Error { constructor(m) { super(m); this.name = 'Missing'; } } throw new Missing('no row');")).message).to.equal('Missing: no row');
      expect((await call("const o = { a: 1 }; o.toString = () => 'mine'; const e = new Error(); e.message = 'set later'; return [String(o), e.message, ({}).toString()];")).value).to.deep.equal([
        'mine',
        'set later',
        '[object Object]',
      ]);
    });

    it('does not show one sub-account what another set, and keeps their isolates apart', async () => {
      await call('globalThis.secret = "tenant a"; return 1;', { tenant: 'a' });
      expect((await call('return typeof secret;', { tenant: 'b' })).value).to.equal('undefined');
      const tenants = new Pool(2, 2);
      try {
        await tenants.run('return 1', 'a');
        await tenants.run('return 1', 'b');
        expect(tenants.pool.stats()).to.include({ alive: 2, created: 2 });
      } finally {
        tenants.pool.close();
      }
    });
  });

  describe('limits', () => {
    it('stops a busy loop at the time limit and names it', async () => {
      const started = performance.now();
      const error = await failure('while (true) {}', { limits: { timeLimitMs: 200 } });
      expect(error.code).to.equal('time_limit_exceeded');
      expect(error.message).to.include('time limit of 200 ms');
      expect(performance.now() - started).to.be.below(5000);
    });

    it('stops code over its memory limit, names it, and the next call gets a new isolate', async () => {
      // A generous time limit: on a loaded machine the memory limit must still be what stops it.
      const small = { memoryMb: 16, timeLimitMs: 30_000 };
      const before = pool.stats().created;
      const error = await failure('const hoard = []; for (;;) hoard.push(new Array(100000).fill(Math.random()));', { limits: small });
      expect(error.code).to.equal('memory_limit_exceeded');
      expect(error.message).to.include('memory limit of 16 MB');
      expect((await call('return "alive";', { limits: small })).value).to.equal('alive');
      expect(pool.stats().created).to.be.greaterThan(before);
    });

    it('stops a call when the step is cancelled', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = performance.now();
      expect(await failure('while (true) {}', { limits: { timeLimitMs: 20_000 }, signal: controller.signal })).to.have.property('code', 'cancelled');
      expect(performance.now() - started).to.be.below(5000);
      expect((await call('return 2;')).value).to.equal(2);
    });
  });

  describe('escape corpus: each ends as a clear step error or a harmless value', () => {
    it('finds no process, require or host function through constructors, Function or eval', async () => {
      expect((await failure("return this.constructor.constructor('return process')()")).message).to.equal('ReferenceError: process is not defined');
      expect((await failure("return Function('return process')()")).message).to.equal('ReferenceError: process is not defined');
      expect((await failure("return input.constructor.constructor('return require')()", { input: { a: 1 } })).message).to.equal('ReferenceError: require is not defined');
      const seen = await call("return [typeof process, typeof require, typeof module, typeof setTimeout, typeof setInterval, typeof fetch, typeof Buffer, eval('typeof process'), typeof Function('return this')().process];");
      expect(seen.value).to.deep.equal(Array(9).fill('undefined'));
    });

    it('cannot import modules', async () => {
      expect((await failure("return await import('fs')")).code).to.equal('script_error');
      expect((await failure("return await import('node:child_process')")).code).to.equal('script_error');
    });

    it('reaches nothing of the host through Error.prepareStackTrace: it cannot even be installed', async () => {
      const attempt = `Error.prepareStackTrace = (error, frames) => frames.map((f) => { const t = f.getThis(); return t && (t.process || t.require) ? 'host' : 'isolate'; });
        return new Error('x').stack;`;
      const sloppy = await call(attempt);
      expect(sloppy.value, 'the hook was not installed: V8 made its own stack text').to.be.a('string').and.match(/^Error: x\n\s+at /);
      expect((await failure(`'use strict'; ${attempt}`)).message).to.match(/^TypeError: Cannot add property prepareStackTrace, object is not extensible/);
    });

    it('ends Atomics.wait at the time limit', async () => {
      expect(await failure('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)', { limits: { timeLimitMs: 200 } })).to.have.property('code', 'time_limit_exceeded');
    });

    it('reads a returned Proxy or getter only inside the isolate', async () => {
      expect((await failure('return new Proxy({}, { ownKeys() { throw new Error("trap") } })')).message).to.match(/not JSON: trap/);
      expect((await failure('return new Proxy({ a: 1 }, { get() { while (true) {} } })', { limits: { timeLimitMs: 200 } })).code).to.equal('time_limit_exceeded');
      expect((await failure('return { get x() { return process } }')).message).to.match(/not JSON: ReferenceError: process is not defined/);
      expect((await call('return { get x() { return 7 } }')).value).to.deep.equal({ x: 7 });
    });

    it('runs toJSON and valueOf traps inside the isolate, under its limits', async () => {
      expect((await failure('return { toJSON() { while (true) {} } }', { limits: { timeLimitMs: 200 } })).code).to.equal('time_limit_exceeded');
      expect((await call('return { toJSON() { return "fine" } }')).value).to.equal('fine');
      expect((await failure('return { valueOf() { throw new Error("v") }, a: 1 }')).message).to.include('it holds a function at key "valueOf"');
      const patched = await call('Object.prototype.toJSON = Array.prototype.toJSON = function () { return "patched" }; console.log("line"); return 1;');
      expect(patched, 'the envelope around the value is not made by JSON.stringify of objects').to.deep.equal({ value: 1, logs: ['line'] });
      expect((await failure('throw { toString() { while (true) {} } }', { limits: { timeLimitMs: 200 } })).code).to.equal('time_limit_exceeded');
    });

    it('pollutes no prototype of the host, nor its own', async () => {
      expect((await failure("Object.prototype.__defineGetter__('p2', () => 1); return 1;")).message).to.equal('TypeError: Cannot define property p2, object is not extensible');
      const outcome = await call(`
        Object.prototype.polluted = 1; Array.prototype.polluted = 1;
        return [({}).polluted ?? null, JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}')];`);
      const [seen, value] = outcome.value as [unknown, Record<string, unknown>];
      expect(seen, 'the assignment did not take, even inside the isolate').to.equal(null);
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
      expect(Object.keys(value)).to.have.members(['__proto__', 'constructor']);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(([] as unknown as Record<string, unknown>).polluted).to.equal(undefined);
      expect(({} as Record<string, unknown>).p2).to.equal(undefined);
    });

    it('refuses huge strings and deep values', async () => {
      expect((await failure('return "x".repeat(5e6)')).code).to.equal('output_too_large');
      expect((await failure('let s = "x"; for (;;) s = s + s;')).code).to.equal('script_error');
      expect((await failure('const a = []; for (let i = 0; ; i++) a.push("x".repeat(1 << 20) + i);', { limits: { memoryMb: 16, timeLimitMs: 30_000 } })).code).to.equal('memory_limit_exceeded');
      expect((await failure('let o = {}; for (let i = 0; i < 1000; i++) o = { o }; return o;')).message).to.match(/nested deeper than 100 levels/);
      expect((await failure('let o = {}; for (let i = 0; i < 1e6; i++) o = { o }; return o;', { limits: { timeLimitMs: 30_000 } })).message).to.match(/not JSON: RangeError: Maximum call stack/);
    });

    it('ends deep recursion with a clear error', async () => {
      expect((await failure('const f = () => f(); return f();')).message).to.equal('RangeError: Maximum call stack size exceeded');
    });

    it('refuses functions, symbols, BigInts and cycles as results', async () => {
      expect((await failure('return () => 1')).message).to.include('it is a function');
      expect((await failure('return { f() {} }')).message).to.include('it holds a function at key "f"');
      expect((await failure('return Symbol("s")')).message).to.include('it is a symbol');
      expect((await failure('return { n: 1n }')).message).to.include('it holds a bigint at key "n"');
      expect((await failure('const a = {}; a.self = a; return a;')).message).to.match(/not JSON: TypeError: Converting circular structure/);
    });

    it('ends a promise that never settles at the time limit', async () => {
      const started = performance.now();
      const error = await failure('await new Promise(() => {});', { limits: { timeLimitMs: 200 } });
      expect(error.code).to.equal('time_limit_exceeded');
      expect(performance.now() - started).to.be.below(5000);
      expect((await call('return 3;')).value).to.equal(3);
    });

    it('ends while(true) inside a finally at the time limit', async () => {
      expect((await failure('try { return 1 } finally { while (true) {} }', { limits: { timeLimitMs: 200 } })).code).to.equal('time_limit_exceeded');
      expect((await failure('try { throw new Error("x") } catch { } finally { for (;;) {} }', { limits: { timeLimitMs: 200 } })).code).to.equal('time_limit_exceeded');
    });

    it('ends an endless chain of microtasks started before returning', async () => {
      const error = await failure('(function again() { Promise.resolve().then(again); })(); return 1;', { limits: { timeLimitMs: 200 } });
      expect(error.code).to.equal('time_limit_exceeded');
      expect((await call('return 4;')).value).to.equal(4);
    });
  });

  describe('the pool', () => {
    it('reuses warm isolates: many calls of one sub-account make at most its share', async () => {
      const one = new Pool(4, 2);
      try {
        await Promise.all(Array.from({ length: 40 }, (_, i) => one.run(`return ${i}`, 'a')));
        expect(one.pool.stats().created).to.be.at.most(2);
      } finally {
        one.pool.close();
      }
    });

    it('stays bounded across many sub-accounts, disposing the least recently used', async () => {
      const small = new Pool(3, 2);
      try {
        for (let t = 0; t < 12; t++) expect(await small.run(`return ${t}`, `tenant-${t}`)).to.equal(t);
        const stats = small.pool.stats();
        expect(stats.alive).to.equal(3);
        expect(stats.created).to.equal(12);
        // Concurrent calls past the bound wait for an isolate rather than make more.
        const results = await Promise.all(Array.from({ length: 9 }, (_, i) => small.run(`await null; return ${i}`, `busy-${i % 5}`)));
        expect(results).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8]);
        expect(small.pool.stats().alive).to.be.at.most(3);
      } finally {
        small.pool.close();
      }
      expect(small.pool.stats().alive).to.equal(0);
    });

    it('serves waiting calls in arrival order across sub-accounts, so a busy one cannot starve another', async () => {
      const single = new Pool(1, 1);
      try {
        const finished: string[] = [];
        const call = (tenant: string, i: number) => single.run(`await null; return ${i}`, tenant).then(() => finished.push(`${tenant}${i}`));
        const calls = Array.from({ length: 10 }, (_, i) => call('a', i));
        calls.push(call('b', 0));
        calls.push(...Array.from({ length: 10 }, (_, i) => call('a', 10 + i)));
        await Promise.all(calls);
        expect(finished.indexOf('b0')).to.equal(10);
        expect(finished).to.have.length(21);
      } finally {
        single.pool.close();
      }
    });

    it('drops a waiting call that is cancelled and goes on serving the others', async () => {
      const single = new Pool(1, 1);
      try {
        const cancel = new AbortController();
        const first = single.run('await null; return 1', 'a');
        const cancelled = runCode(single.pool, { code: 'return 2', args: { input: null, execution: { id: 'e', flowId: 'f' } }, tenant: 'a', limits: LIMITS, signal: cancel.signal });
        const third = single.run('return 3', 'a');
        cancel.abort();
        expect(await cancelled.then(() => 'ran', (err: Error) => err.name)).to.equal('AbortError');
        expect(await Promise.all([first, third])).to.deep.equal([1, 3]);
      } finally {
        single.pool.close();
      }
    });
  });
});

/** A pool of its own, for tests that count isolates. */
class Pool {
  readonly pool: IsolatePool;
  constructor(isolates: number, perKey: number) {
    this.pool = new IsolatePool({ isolates, perKey });
  }
  async run(code: string, tenant: string): Promise<unknown> {
    const outcome = await runCode(this.pool, { code, args: { input: null, execution: { id: 'e', flowId: 'f' } }, tenant, limits: LIMITS, signal: new AbortController().signal });
    return outcome.value;
  }
}
