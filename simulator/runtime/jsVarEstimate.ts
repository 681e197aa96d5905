// Estimates how many JsVar blocks the firmware holds, the way Espruino stores values
// (simulator/README.md "JsVar accounting"):
//  - an object, array or closure scope: 1 block, plus per property/element 1 block for its
//    name (names longer than 4 characters take an extra block per 12 more) and its value;
//  - numbers, booleans, undefined, null: packed into the name block (0 extra);
//  - a string: 1 block holding up to 4 characters, then 1 per 12 more;
//  - a typed array: 1 for the view, 1 for the ArrayBuffer, 1 per 12 bytes of data (a buffer
//    shared by several views counted once);
//  - a function: 4 (the function, its code's name and flash pointer, its scope link) + 1 per
//    parameter; code loaded from a Storage file stays in flash, so its text costs no RAM;
//  - a number in a closure scope: 1 more than in an object (Espruino packs a small number
//    into an object property's name block, not into a scope variable's);
//  - the interpreter's own objects (NRF, E, Storage, g ...) are native: 0.
// Closure scopes are read through node:inspector ([[Scopes]] of every function the walk
// meets), cached per function and re-read every REPROBE_EVERY (720) estimates, so a rebinding of a
// captured `let` shows up at the latest then.
import inspector from "node:inspector";

/**
 * Blocks outside the walk: a freshly booted Espruino 2v29 holds 42 (root, hidden state), and the
 * firmware's hooks on native objects (NRF/Serial1/Bluetooth event lists, the timers, the button
 * watch) about 70 more; calibrated against the real interpreter (simulator/README.md).
 */
export const INTERPRETER_BASE_BLOCKS = 115;
/** Blocks of a function besides its parameters, measured on Espruino 2v29 (simulator/README.md). */
export const FUNCTION_BLOCKS = 4;
/**
 * Blocks the work of one event takes on top of what is held: the functions it runs (the
 * firmware's functions are read from Storage while they run, firmware/build/lazyFunctions.ts),
 * HMAC buffers, answer strings, the journal record being written. Calibrated on Espruino 2v29
 * against the firmware's peaks over every command and a day (PROV CLOCK, a challenge with the
 * NFC form served, a button press): the peak of an event is what is held plus this
 * (simulator/README.md).
 */
export const EVENT_WORK_BLOCKS = 365;
/** More work on a board whose build has no native SHA-256 (Pixl.js): the hash runs in JavaScript. */
export const SOFTWARE_SHA256_WORK_BLOCKS = 75;

/** The work of one event on a board whose `require("crypto")` has these functions. */
export function eventWorkBlocks(cryptoFunctions: readonly string[]): number {
  return EVENT_WORK_BLOCKS + (cryptoFunctions.includes("SHA256") ? 0 : SOFTWARE_SHA256_WORK_BLOCKS);
}
const REPROBE_EVERY = 720;

function textBlocks(length: number): number {
  return length <= 4 ? 1 : 1 + Math.ceil((length - 4) / 12);
}

type ScopeProbe = (fn: Function) => object[];

/** Scopes the inspector called "Script": the top level of the bundle, Espruino's global scope. */
const scriptScopes = new WeakSet<object>();

function makeScopeProbe(): ScopeProbe {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params: object): any => {
    let result: any;
    let error: Error | null = null;
    session.post(method, params, (e, r) => {
      error = e;
      result = r;
    });
    if (error) throw error;
    return result;
  };
  const holder = globalThis as unknown as { __evvJsVarProbe?: unknown; __evvJsVarSink?: (o: unknown) => void };
  return (fn: Function) => {
    const scopes: object[] = [];
    holder.__evvJsVarProbe = fn;
    holder.__evvJsVarSink = (descriptor: unknown) => {
      // The inspector hands each scope as { description: "Closure" | "Block" | "Script" | "Global", object }.
      const d = descriptor as { description?: string; object?: object };
      // The script's top level ("Script": its let/const) is Espruino's global scope too.
      if (d && d.object && d.description !== "Global") {
        if (d.description === "Script") scriptScopes.add(d.object);
        scopes.push(d.object);
      }
    };
    try {
      const handle = post("Runtime.evaluate", { expression: "globalThis.__evvJsVarProbe", objectGroup: "evvJsVar" });
      const props = post("Runtime.getProperties", { objectId: handle.result.objectId, ownProperties: true, objectGroup: "evvJsVar" });
      const internal = (props.internalProperties ?? []).find((p: { name: string }) => p.name === "[[Scopes]]");
      if (internal?.value?.objectId) {
        const list = post("Runtime.getProperties", { objectId: internal.value.objectId, ownProperties: true, objectGroup: "evvJsVar" });
        for (const entry of list.result) {
          if (!/^\d+$/.test(entry.name) || !entry.value?.objectId) continue;
          post("Runtime.callFunctionOn", {
            objectId: entry.value.objectId,
            functionDeclaration: "function () { globalThis.__evvJsVarSink(this); }",
            objectGroup: "evvJsVar",
          });
        }
      }
    } finally {
      post("Runtime.releaseObjectGroup", { objectGroup: "evvJsVar" });
      holder.__evvJsVarProbe = undefined;
      holder.__evvJsVarSink = undefined;
    }
    return scopes;
  };
}

let sharedProbe: ScopeProbe | null = null;

export class JsVarEstimator {
  private readonly native: WeakSet<object>;
  private scopeCache = new WeakMap<Function, object[]>();
  private nativeFunctions = new WeakMap<Function, boolean>();
  private identities = new WeakMap<object, number>();
  /** Materialised scopes are snapshots, so their signature never changes. */
  private signatures = new WeakMap<object, string>();
  private nextIdentity = 1;
  private estimates = 0;

  constructor(native: WeakSet<object>) {
    this.native = native;
  }

  private scopesOf(fn: Function): object[] {
    const cached = this.scopeCache.get(fn);
    if (cached && this.estimates % REPROBE_EVERY !== 0) return cached;
    if (sharedProbe === null) sharedProbe = makeScopeProbe();
    const scopes = sharedProbe(fn);
    this.scopeCache.set(fn, scopes);
    return scopes;
  }

  private isNativeFunction(fn: Function): boolean {
    let known = this.nativeFunctions.get(fn);
    if (known === undefined) {
      known = /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(fn));
      this.nativeFunctions.set(fn, known);
    }
    return known;
  }

  private identity(o: object): number {
    let id = this.identities.get(o);
    if (id === undefined) {
      id = this.nextIdentity++;
      this.identities.set(o, id);
    }
    return id;
  }

  /**
   * Each probe materialises a scope as a new object, so one scope shared by many functions
   * (the bundle's top level) is recognised by its variable names and the identities of its
   * object values.
   */
  private scopeSignature(scope: object): string {
    const cached = this.signatures.get(scope);
    if (cached !== undefined) return cached;
    let signature = "";
    for (const key of Object.getOwnPropertyNames(scope)) {
      const v = (scope as Record<string, unknown>)[key];
      signature += key + "=" + (v !== null && (typeof v === "object" || typeof v === "function") ? "#" + this.identity(v) : String(v)) + ";";
    }
    this.signatures.set(scope, signature);
    return signature;
  }

  /** Blocks held by everything reachable from `roots` (globals the program made, callbacks the runtime holds). */
  estimate(roots: unknown[]): number {
    this.estimates++;
    const seen = new Set<unknown>();
    const seenScopes = new Set<string>();
    let blocks = INTERPRETER_BASE_BLOCKS;
    const stack: unknown[] = [...roots];
    // Program objects have plain data properties (the interpreter's own, which could have
    // getters, are native and never walked), so values are read directly.
    const properties = (o: object, skip: ((key: string) => boolean) | null) => {
      const record = o as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(o)) {
        if (skip !== null && skip(key)) continue;
        blocks += textBlocks(key.length);
        stack.push(record[key]);
      }
    };
    while (stack.length > 0) {
      const value = stack.pop();
      if (value === null || value === undefined) continue;
      const type = typeof value;
      if (type === "number" || type === "boolean" || type === "bigint" || type === "symbol") continue;
      if (type === "string") {
        blocks += textBlocks((value as string).length);
        continue;
      }
      if (seen.has(value)) continue;
      seen.add(value);
      const object = value as object;
      if (this.native.has(object)) continue;
      if (ArrayBuffer.isView(object)) {
        blocks += 1;
        stack.push(object.buffer);
        continue;
      }
      if (object instanceof ArrayBuffer || Object.prototype.toString.call(object) === "[object ArrayBuffer]") {
        blocks += 1 + Math.ceil((object as ArrayBuffer).byteLength / 12);
        continue;
      }
      if (type === "function") {
        const fn = object as Function;
        if (this.isNativeFunction(fn)) continue;
        const scopes = this.scopesOf(fn);
        // A function of the global scope holds no scope link (1 block less, measured).
        const closure = scopes.some((scope) => !scriptScopes.has(scope));
        blocks += FUNCTION_BLOCKS - (closure ? 0 : 1) + fn.length;
        properties(fn, (key) => key === "prototype" || key === "length" || key === "name" || key === "arguments" || key === "caller");
        for (const scope of scopes) {
          const signature = this.scopeSignature(scope);
          if (seenScopes.has(signature)) continue;
          seenScopes.add(signature);
          blocks += 1;
          properties(scope, null);
          for (const key of Object.getOwnPropertyNames(scope)) if (typeof (scope as Record<string, unknown>)[key] === "number") blocks += 1;
        }
        continue;
      }
      blocks += 1;
      if (Array.isArray(object)) {
        for (const item of object) {
          blocks += 1;
          stack.push(item);
        }
        continue;
      }
      properties(object, null);
    }
    return blocks;
  }
}
