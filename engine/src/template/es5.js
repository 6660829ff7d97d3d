// Removes the ECMAScript 2015+ built-ins that QuickJS has but digdag's engine (GraalJS in
// ECMAScript 5 mode, or Nashorn) does not, so `${'abc'.includes('a')}` fails here as in
// digdag. Runs after wf's moment.js is installed (which uses only ES5 built-ins).
(function (g) {
  function drop(obj, names) {
    if (!obj) return;
    for (var i = 0; i < names.length; i++) {
      try { delete obj[names[i]]; } catch (e) { /* non-configurable: keep */ }
    }
  }
  drop(Object, ['assign', 'is', 'setPrototypeOf', 'getOwnPropertySymbols', 'entries', 'values',
    'fromEntries', 'getOwnPropertyDescriptors', 'groupBy', 'hasOwn']);
  drop(Array, ['from', 'of']);
  drop(Array.prototype, ['find', 'findIndex', 'fill', 'copyWithin', 'entries', 'keys', 'values',
    'includes', 'flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'toReversed', 'toSorted',
    'toSpliced', 'with']);
  drop(String, ['fromCodePoint', 'raw']);
  drop(String.prototype, ['includes', 'startsWith', 'endsWith', 'repeat', 'padStart', 'padEnd',
    'codePointAt', 'normalize', 'trimStart', 'trimEnd', 'matchAll', 'replaceAll', 'at',
    'isWellFormed', 'toWellFormed']);
  drop(Number, ['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseFloat', 'parseInt',
    'EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER']);
  drop(Math, ['trunc', 'sign', 'cbrt', 'log2', 'log10', 'log1p', 'expm1', 'hypot', 'clz32',
    'fround', 'imul', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh']);
  drop(g, ['Symbol', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry',
    'Promise', 'Proxy', 'Reflect', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array',
    'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float16Array', 'Float32Array', 'Float64Array', 'BigInt', 'BigInt64Array', 'BigUint64Array',
    'AggregateError', 'Atomics', 'Iterator', 'queueMicrotask', 'performance', 'globalThis']);

  // Sandbox limit: QuickJS only polls the time budget in interpreted code, so a native loop
  // over a huge sparse array (`new Array(1e9).join('x')`) could run for minutes. Array
  // methods and JSON.stringify refuse arrays longer than LIMIT elements instead.
  var LIMIT = 1e7;
  var AP = Array.prototype, isArray = Array.isArray, stringify = JSON.stringify;
  function tooLong() { return new RangeError('array too long for template evaluation (over ' + LIMIT + ' elements)'); }
  ['join', 'toString', 'toLocaleString', 'indexOf', 'lastIndexOf', 'forEach', 'map', 'filter',
    'some', 'every', 'reduce', 'reduceRight', 'sort', 'reverse', 'slice', 'splice', 'concat',
    'push', 'pop', 'shift', 'unshift'].forEach(function (name) {
    var orig = AP[name];
    if (typeof orig !== 'function') return;
    var wrapped = function () {
      if (this != null && +this.length > LIMIT) throw tooLong();
      return orig.apply(this, arguments);
    };
    try {
      Object.defineProperty(AP, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
    } catch (e) { /* keep */ }
  });
  JSON.stringify = function (value, replacer, space) {
    var check = function (k, v) {
      if (isArray(v) && v.length > LIMIT) throw tooLong();
      return typeof replacer === 'function' ? replacer.call(this, k, v) : v;
    };
    return stringify(value, isArray(replacer) ? replacer : check, space);
  };
})(this);
