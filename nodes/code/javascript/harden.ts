/**
 * JavaScript run once in each context of a warm isolate, before any user code, so that one context can serve
 * call after call of a sub-account without anything passing between them (issue 9: no state may leak between
 * executions). A fresh V8 context per call gave that for ~0.9 ms a call; here the context is made so it holds
 * no state a call can write:
 *
 * - every built-in reachable from the global object, and the ones only reachable through syntax (async and
 *   generator functions, iterators), is frozen, and the global object itself, so no global, prototype or
 *   built-in can be added, changed or removed (as SES's `lockdown` does for JavaScript compartments);
 * - the places V8 keeps state on its own are removed: RegExp's legacy statics (`RegExp.$1`, `lastMatch`...
 *   hold the last match of any call), and whatever can run code after a call has returned
 *   (`FinalizationRegistry`, `WeakRef`, `Atomics.waitAsync`, WebAssembly's background compilation);
 * - assigning a built-in's name on an object of one's own (`error.name = …`, `obj.toString = …`) still works:
 *   on a frozen prototype it would fail (the "override mistake"), so those properties become accessors that
 *   define the property on the object assigned to, as SES's moderate taming does;
 * - each call gets its own arguments, `console` and log lines, and the user's function object is frozen.
 *
 * What one call can still leave behind is unreachable by the next: a promise it never settled (nothing can
 * settle it later: no timers, no I/O, no shared object to hand a resolver through) and the memory that
 * holds, which the pool bounds by making a new context now and then (`isolate-pool.ts`). Sub-accounts never
 * share an isolate, let alone a context.
 */

/**
 * Properties commonly assigned on one's own objects that would otherwise hit a frozen prototype. Not
 * `Array.prototype.constructor` nor `Promise.prototype.constructor`: an accessor there turns off V8's fast
 * paths for every `map`, `slice` and `then` (its species protectors).
 */
const OVERRIDABLE: Record<string, string[]> = {
  'Object.prototype': ['constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf'],
  'Array.prototype': ['toString'],
  'Function.prototype': ['constructor', 'name', 'toString'],
  'Error.prototype': ['constructor', 'message', 'name', 'toString'],
  'TypeError.prototype': ['constructor', 'message', 'name'],
  'RangeError.prototype': ['constructor', 'message', 'name'],
  'SyntaxError.prototype': ['constructor', 'message', 'name'],
  'ReferenceError.prototype': ['constructor', 'message', 'name'],
  'EvalError.prototype': ['constructor', 'message', 'name'],
  'URIError.prototype': ['constructor', 'message', 'name'],
};

export const HARDEN = `(function () {
  'use strict';
  const g = globalThis;
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  const ownKeys = Reflect.ownKeys;
  const hasOwn = Object.hasOwn;

  for (const name of ['WebAssembly', 'FinalizationRegistry', 'WeakRef', 'console']) delete g[name];
  delete g.Atomics.waitAsync;
  for (const key of ownKeys(g.RegExp)) {
    const descriptor = getOwnPropertyDescriptor(g.RegExp, key);
    if (typeof key === 'string' && descriptor && descriptor.get) delete g.RegExp[key];
  }

  function overridable(object, key) {
    const descriptor = getOwnPropertyDescriptor(object, key);
    if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
    const value = descriptor.value;
    defineProperty(object, key, {
      get: function () { return value; },
      set: function (next) {
        if (this === object) throw new TypeError('Cannot assign to ' + key + ': the built-ins are read-only in the code node');
        defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }
  const overrides = ${JSON.stringify(OVERRIDABLE)};
  for (const path of ownKeys(overrides)) {
    const [name, member] = path.split('.');
    for (const key of overrides[path]) overridable(g[name][member], key);
  }

  const reachableOnlyBySyntax = [
    async function () {}, function* () {}, async function* () {}, (function* () {})(), (async function* () {})(),
    [][Symbol.iterator](), ''[Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](),
    /a/[Symbol.matchAll](''), (function () { return arguments; })(),
  ];
  for (const make of [() => [].values().map((x) => x), () => g.Iterator.from({ next() { return { done: true }; } }),
    () => new g.Intl.Segmenter().segment(''), () => new g.Intl.Segmenter().segment('')[Symbol.iterator]()]) {
    try { reachableOnlyBySyntax.push(make()); } catch (e) { /* not in this V8 */ }
  }
  const seen = new Set();
  const stack = [g, ...reachableOnlyBySyntax];
  while (stack.length) {
    const value = stack.pop();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    freeze(value);
    stack.push(getPrototypeOf(value));
    for (const key of ownKeys(value)) {
      const descriptor = getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      if (hasOwn(descriptor, 'value')) stack.push(descriptor.value);
      else stack.push(descriptor.get, descriptor.set);
    }
  }
})();`;
