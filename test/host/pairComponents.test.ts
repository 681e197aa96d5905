import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { pairComponents } from "../../host/verifier/pairComponents.js";

describe("provider–client components", () => {
  it("puts pairs that share a provider or a client in one component, and every pair in exactly one", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })), { maxLength: 30 }), (raw) => {
        const pairs = raw.map(([p, c]) => [`P${p}`, `C${c}`] as const);
        const components = pairComponents(pairs);
        expect(components.flat()).toHaveLength(pairs.length);
        const componentOf = new Map<string, number>();
        components.forEach((component, i) => {
          for (const [p, c] of component) {
            for (const node of [p, c]) {
              expect(componentOf.get(node) ?? i).toBe(i);
              componentOf.set(node, i);
            }
          }
        });
      }),
    );
  });

  it("keeps unrelated pairs apart", () => {
    expect(pairComponents([["P1", "C1"], ["P2", "C2"], ["P1", "C3"], ["P3", "C3"]]).map((c) => c.length).sort()).toEqual([1, 3]);
  });
});
