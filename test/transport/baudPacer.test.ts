import { describe, expect, it } from "vitest";
import { BaudPacer } from "../../simulator/transports/baudPacer.js";

describe("baud pacer", () => {
  it("delivers every byte, in order, in small pieces", async () => {
    const got: number[] = [];
    const pieces: number[] = [];
    const pacer = new BaudPacer(1_000_000, (bytes) => {
      got.push(...bytes);
      pieces.push(bytes.length);
    });
    pacer.push(new Uint8Array(40).map((_, i) => i));
    pacer.push(new Uint8Array([200, 201]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(got).toEqual([...Array.from({ length: 40 }, (_, i) => i), 200, 201]);
    expect(Math.max(...pieces)).toBeLessThanOrEqual(16);
  });
});
