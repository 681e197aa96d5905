import { describe, expect, it } from "vitest";
import vm from "node:vm";
import fc from "fast-check";
import { parse } from "acorn";
import { lazifyFunctions } from "../../firmware/build/lazyFunctions.js";
import { splitLongLines } from "../../firmware/build/shortLines.js";

const FILE = ".boot0";

/** Runs a script the way the board does: its own text is Storage file FILE; returns what it put in `out`. */
function run(code: string, input: number): unknown {
  const context = vm.createContext({
    require: (name: string) => {
      if (name !== "Storage") throw new Error("no module " + name);
      return { read: (file: string, offset: number, length: number) => (file === FILE ? code.slice(offset, offset + length) : undefined) };
    },
    input,
    out: [] as unknown[],
    timers: [] as Array<() => void>,
  });
  vm.runInContext(code, context);
  for (const t of (context as { timers: Array<() => void> }).timers) t();
  return JSON.parse(JSON.stringify((context as { out: unknown[] }).out));
}

const PROGRAM = `
function hex(n){return (n>>>4).toString(16)+(n&15).toString(16)}
function toHex(a){let s="";for(let i=0;i<a.length;i++)s+=hex(a[i]);return s}
function frame(n){return toHex([n&255,n>>8&255,7])}
function shadowed(v){return v*2}
function user(frame){const shadowed=function(x){return x+1};return frame+shadowed(1)}
function tick(){out.push("tick "+frame(input+1))}
function fact(n){return n<=1?1:n*fact(n-1)}
function start(){out.push(frame(input));out.push(user(input));out.push(shadowed(input));out.push(fact(5));timers.push(tick)}
start();
`;

function topLevelFunctions(code: string): string[] {
  const program = parse(code, { ecmaVersion: 2020, sourceType: "script" }) as unknown as { body: Array<{ type: string; id?: { name: string } }> };
  return program.body.filter((s) => s.type === "FunctionDeclaration").map((s) => s.id!.name);
}

describe("lazy functions (functions kept in the bundle's Storage file while not running)", () => {
  it("gives the program the same results after its called-only functions leave its top level", () => {
    const lazy = lazifyFunctions(PROGRAM, FILE, splitLongLines);
    expect(run(lazy.code, 300)).toEqual(run(PROGRAM, 300));
    expect(run(lazy.code, 300)).toEqual(["2c0107", 302, 600, 120, "tick 2d0107"]);
  });

  it("keeps in RAM what is passed as a value and what a loop calls; takes out the rest", () => {
    const lazy = lazifyFunctions(PROGRAM, FILE, splitLongLines);
    const resident = topLevelFunctions(lazy.code).filter((n) => !/^L/.test(n));
    // tick is passed as a value, hex is called in toHex's loop; everything else runs lazily.
    expect(resident.sort()).toEqual(["hex", "tick"]);
    expect(lazy.lazy).toBe(6);
  });

  it("rewrites only the names that resolve to the top-level function (a parameter or local of that name is left alone)", () => {
    const lazy = lazifyFunctions(PROGRAM, FILE, splitLongLines);
    const user = lazy.code.split("\n").find((line) => line.includes("const shadowed=function"))!;
    expect(user).toContain("return frame+shadowed(1)");
  });

  it("puts every function's text at the offset and length its calls name, inside the head comment", () => {
    const lazy = lazifyFunctions(PROGRAM, FILE, splitLongLines);
    const end = lazy.code.indexOf("\n*/\n");
    expect(lazy.code.startsWith("/*\n")).toBe(true);
    const calls = [...lazy.code.matchAll(/\bL[A-Za-z0-9]*\((\d+),(\d+)\)/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const [, o, l] of calls) {
      const text = lazy.code.slice(Number(o), Number(o) + Number(l));
      expect(Number(o) + Number(l)).toBeLessThanOrEqual(end);
      expect(text.startsWith("(function(")).toBe(true);
      expect(() => parse(text, { ecmaVersion: 2020 })).not.toThrow();
    }
  });

  it("gives the same results as the program for any input (property)", () => {
    const lazy = lazifyFunctions(PROGRAM, FILE, splitLongLines);
    fc.assert(fc.property(fc.integer({ min: 0, max: 65535 }), (input) => {
      expect(run(lazy.code, input)).toEqual(run(PROGRAM, input));
    }), { numRuns: 50 });
  });

  it("refuses a function whose text would end the comment that holds it", () => {
    expect(() => lazifyFunctions('function f(){return "*/"}function g(){return f()}g();', FILE, (t) => t)).toThrow(/\*\//);
  });
});
