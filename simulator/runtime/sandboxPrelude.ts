// Makes a fresh node:vm context look like the Espruino 2v29 interpreter from the inside:
// the globals and static methods it lacks are deleted (so they fail as on the device), and
// Date reads the device's RTC.
import vm from "node:vm";

/** Globals Espruino does not have (the dialect check's list and then some). */
export const DELETED_GLOBALS = [
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Symbol", "Proxy", "Reflect", "BigInt",
  "BigInt64Array", "BigUint64Array", "SharedArrayBuffer", "Atomics", "Intl", "WebAssembly", "AggregateError", "globalThis",
];

/** Static methods Espruino does not have, as [object, member]. */
export const DELETED_MEMBERS: Array<[string, string]> = [
  ["Array", "from"], ["Array", "of"], ["Math", "trunc"], ["Math", "imul"], ["Math", "sign"], ["Math", "cbrt"],
  ["Math", "log2"], ["Math", "log10"], ["Math", "clz32"], ["Math", "fround"], ["Number", "isInteger"],
  ["Number", "isSafeInteger"], ["Object", "fromEntries"], ["Object", "getOwnPropertySymbols"],
  ["Promise", "allSettled"], ["Promise", "any"],
];

const PRELUDE = `(function (now, deletedGlobals, deletedMembers) {
  var global = this;
  var RealDate = Date;
  class EspruinoDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(now()); else super(...args); }
    static now() { return now(); }
  }
  global.Date = EspruinoDate;
  for (var i = 0; i < deletedMembers.length; i++) delete global[deletedMembers[i][0]][deletedMembers[i][1]];
  for (var j = 0; j < deletedGlobals.length; j++) delete global[deletedGlobals[j]];
})`;

export function applyPrelude(context: vm.Context, deviceNowMs: () => number): void {
  const prelude = vm.runInContext(PRELUDE, context) as (this: unknown, now: () => number, globals: string[], members: Array<[string, string]>) => void;
  const globalObject = vm.runInContext("this", context) as object;
  prelude.call(globalObject, deviceNowMs, DELETED_GLOBALS, DELETED_MEMBERS);
}
