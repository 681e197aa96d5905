import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { checkEspruinoDialect } from "../../firmware/build/espruinoDialect.js";
import { bundleForEspruino } from "../../firmware/build/bundleForEspruino.js";

const messages = (source: string) => checkEspruinoDialect(source, "t.js").map((p) => p.message);

describe("Espruino dialect check", () => {
  it("fails a file that uses destructuring, Map, a default parameter and a function called before its declaration", () => {
    const source = readFileSync(new URL("./fixtures/outsideDialect.js", import.meta.url), "utf8");
    const found = messages(source);
    expect(found.some((m) => /:3:\d+: destructuring/.test(m))).toBe(true);
    expect(found.some((m) => /:4:\d+: Map does not exist/.test(m))).toBe(true);
    expect(found.some((m) => /:5:\d+: default parameters/.test(m))).toBe(true);
    expect(found.some((m) => /:8:\d+: 'report' is used before its declaration/.test(m))).toBe(true);
    expect(found).toHaveLength(4);
  });

  it.each([
    ["spread", "f(...a)", /spread/],
    ["rest parameters", "function f(...a) { return a; }", /rest/],
    ["optional chaining", "var a = {}; a?.b;", /optional chaining/],
    ["exponent", "var a = 2 ** 3;", /\*\*/],
    ["async", "async function f() {}", /async/],
    ["generators", "function* g() { yield 1; }", /generators/],
    ["tagged templates", "var t = function () {}; t`x`;", /tagged/],
    ["labels", "outer: for (;;) { break outer; }", /labels/],
    ["computed keys", "var k = 'a'; var o = { [k]: 1 };", /computed/],
    ["Set", "var s = new Set();", /Set does not exist/],
    ["Symbol", "var s = Symbol('x');", /Symbol does not exist/],
    ["Array.from", "var a = Array.from('ab');", /Array\.from/],
    ["Math.trunc", "var a = Math.trunc(1.5);", /Math\.trunc/],
    ["Math.imul", "var a = Math.imul(3, 4);", /Math\.imul/],
    ["Number.isInteger", "var a = Number.isInteger(3);", /Number\.isInteger/],
    ["class extends Error", "class E extends Error {}", /extends Error/],
    ["var read before its declaration", "var a = b; var b = 1;", /'b' is used before/],
    ["a closure over a for-let variable", "var fs = []; for (let i = 0; i < 3; i++) { fs.push(function () { return i; }); }", /shares? one binding|share one binding/],
  ])("rejects %s", (_name, source, pattern) => {
    expect(messages(source).some((m) => pattern.test(m))).toBe(true);
  });

  it.each([
    ["arrow functions, classes, getters and template literals", "class A { get v() { return `x${1}`; } static s() { return () => 1; } } var a = new A();"],
    ["a function used after its declaration", "function f() { return 1; } f();"],
    ["a nested function that refers to a later declaration it is called after", "function a() { return b(); } function b() { return 1; } a();"],
    ["a local variable that shadows a missing global", "function f(Map) { return Map; }"],
    ["for...of, ??, typed arrays and DataView", "var u = new Uint8Array(4); for (const b of u) { var c = b ?? 0; } new DataView(u.buffer);"],
  ])("accepts %s", (_name, source) => {
    expect(messages(source)).toEqual([]);
  });

  it("passes the protocol/ bundle: the shared code is in the dialect", async () => {
    const bundle = await bundleForEspruino("protocol/index.ts", { minify: true });
    expect(bundle.problems.map((p) => p.message)).toEqual([]);
    expect(bundle.code.length).toBeGreaterThan(1000);
  });
});
