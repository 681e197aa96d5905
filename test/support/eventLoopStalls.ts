// Names the test that held its worker's event loop for long. Vitest's worker answers its runner
// over an RPC with a fixed 60 s limit; a worker that cannot read the answer in time (a
// synchronous child process, a long synchronous loop) fails the whole run with "Timeout calling
// onTaskUpdate" even when every test passed, and that message names no test. This prints a
// warning under the test instead, from 15 s on. It asserts nothing: it says where to look.
import { afterAll, afterEach, beforeAll, expect } from "vitest";

// Taken before any test can replace the timers with fake ones.
const { setInterval, clearInterval } = globalThis;
const now = performance.now.bind(performance);

const TICK_MS = 500;
const WARN_AFTER_MS = 15_000;

let ticker: ReturnType<typeof setInterval> | undefined;
let lastTick = now();

/** Warns if the loop has not ticked for long; `during` is what ran since the last tick. */
function checkSinceLastTick(during: string): void {
  const at = now();
  const held = at - lastTick - TICK_MS;
  lastTick = at;
  if (held >= WARN_AFTER_MS) {
    console.warn(`event loop held for ${(held / 1000).toFixed(1)} s in ${expect.getState().testPath ?? "this file"}, during: ${during} (vitest's worker RPC fails at 60 s)`);
  }
}

beforeAll(() => {
  lastTick = now();
  ticker = setInterval(() => checkSinceLastTick(expect.getState().currentTestName ?? "a hook or the file's own code"), TICK_MS);
  ticker.unref();
});

// A test that blocks to its end is over before the ticker can run: it is checked as it ends.
afterEach(() => checkSinceLastTick(expect.getState().currentTestName ?? "a test"));

afterAll(() => {
  clearInterval(ticker);
});
