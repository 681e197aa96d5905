import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { splitLongLines } from "../../firmware/build/shortLines.js";

describe("splitLongLines", () => {
  it("only inserts line breaks after ; , or { tokens, never inside a string, template or regex", () => {
    const code = 'var a="x;y,z{w;".repeat(3),b=`t;${a},u`,c=/;,{/g;function f(){return a+";"+b}' + ";g(1,2,3);".repeat(40);
    const split = splitLongLines(code, 20);
    expect(split.replace(/\n/g, "")).toBe(code);
    for (const line of split.split("\n").slice(0, -1)) expect(line).toMatch(/[;,{]$/);
    expect(split).toContain('"x;y,z{w;"');
    expect(split).toContain("`t;${a},u`");
    expect(split).toContain("/;,{/g");
  });

  it("keeps the program's meaning: the split code computes what the original computes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 5, max: 60 }), (values, target) => {
        const code = `var s=0;var o={k:"a;b"};${values.map((v) => `s+=${v};`).join("")}function r(){return s+o.k.length}`;
        const run = (text: string) => new Function(text + ";return r();")();
        expect(run(splitLongLines(code, target))).toBe(run(code));
      }),
    );
  });
});
