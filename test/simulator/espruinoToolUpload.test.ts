// The official `espruino` command line tool (npm package `espruino`, EspruinoTools) uploads a
// multi-line file to a stock simulated board over the TCP console bridge, and the file runs;
// and the console conventions that tool relies on, one by one.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TcpConsoleExposure } from "../../simulator/transports/tcpConsoleExposure.js";
import type { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { repl, stockDevice } from "./stockDevice.js";

const espruinoCli = createRequire(import.meta.url).resolve("espruino/bin/espruino-cli.js");

/** Multi-line statements, nested blocks, a line split inside an array: what the tool must wrap with ESC newlines. */
const PROGRAM = `var counter = 0;
function bump(by) {
  if (by > 0) {
    counter = counter + by;
  } else {
    counter = counter - 1;
  }
  return counter;
}
var settings = {
  step: 1,
  list: [1, 2,
         3]
};
bump(41);
bump(settings.step);
print("UPLOADED " + counter + " " + settings.list.length);
`;

function runTool(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [espruinoCli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code, out }));
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function device(): SimulatedDevice {
  const d = stockDevice("puckjs");
  cleanups.push(() => d.stop());
  return d;
}

describe("npx espruino against a stock simulated board", () => {
  it("uploads a multi-line file over tcp:// and the file runs: its output, its functions and its variables are there", async () => {
    const board = device();
    const bridge = await TcpConsoleExposure.open(board);
    cleanups.push(() => bridge.close());
    const dir = mkdtempSync(join(tmpdir(), "evv-espruino-tool-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "program.js");
    writeFileSync(file, PROGRAM);
    const run = await runTool(["--no-ble", "-p", `tcp://127.0.0.1:${bridge.port}`, file]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("UPLOADED 42 3");
    expect(run.out).not.toContain("Uncaught");
    expect(run.out).toContain("Upload Complete");
    expect(board.uncaughtErrors).toEqual([]);
    await bridge.close();
    cleanups.pop();
    // What the file defined is on the board: a function and an object.
    expect(repl(board, "bump(1)")).toContain("=43");
    expect(repl(board, "settings.list[2]")).toContain("=3");
  }, 60_000);

  it("uploads to the tester's command started with --stock --console-tcp 0 (the port it prints)", async () => {
    const bin = new URL("../../bin/evv-sim.js", import.meta.url).pathname;
    const sim = spawn(process.execPath, [bin, "--board", "puckjs", "--stock", "--console-tcp", "0"], { stdio: ["pipe", "pipe", "pipe"] });
    cleanups.push(() => {
      sim.stdin.end();
      if (sim.exitCode === null) sim.kill();
    });
    const port = await new Promise<number>((resolve, reject) => {
      let text = "";
      sim.stdout.on("data", (d: Buffer) => {
        text += d.toString();
        const found = /serial console on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (found) resolve(Number(found[1]));
      });
      sim.on("exit", () => reject(new Error(`evv-sim exited: ${text}`)));
    });
    const dir = mkdtempSync(join(tmpdir(), "evv-espruino-tool-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "program.js"), PROGRAM);
    const run = await runTool(["--no-ble", "-p", `tcp://127.0.0.1:${port}`, join(dir, "program.js")]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("UPLOADED 42 3");
    expect(run.out).not.toContain("Uncaught");
  }, 60_000);

  it("runs an expression with -e and prints its result", async () => {
    const board = device();
    const bridge = await TcpConsoleExposure.open(board);
    cleanups.push(() => bridge.close());
    const run = await runTool(["--no-ble", "-p", `tcp://127.0.0.1:${bridge.port}`, "-e", "print('sum', 20 + 22)"]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("sum 42");
  }, 60_000);
});

describe("the console conventions the tool relies on", () => {
  it("ESC before a newline continues the statement instead of running the line", () => {
    const board = device();
    expect(repl(board, "\x10var total = 1 +\x1b\n 2;\x1b\n total = total * 10;")).not.toContain("Uncaught");
    expect(repl(board, "total")).toContain("=30");
  });

  it("skips ESC [ n d line numbers, and other ESC [ sequences such as arrow keys", () => {
    const board = device();
    expect(repl(board, "\x10\x1b[12dvar x = 5;")).toBe("");
    expect(repl(board, "\x1b[Ax + 1")).toContain("=6");
  });

  it("a line starting with \\x10 prints neither echo nor result; echo(0) turns both off until echo(1)", () => {
    const board = device();
    expect(repl(board, "\x101 + 1")).toBe("");
    expect(repl(board, "echo(0)")).toContain("echo(0)"); // echoed as typed, then off
    expect(repl(board, "2 + 2")).toBe("");
    expect(repl(board, "print(7)")).toBe("7\r\n");
    repl(board, "echo(1)");
    expect(repl(board, "3 + 3")).toContain("=6");
  });

  it("reset() clears the program: its timers and variables are gone", () => {
    const board = device();
    repl(board, "var ticks = 0; setInterval(function () { ticks++; }, 1000);");
    board.advance(3000);
    expect(repl(board, "ticks")).toContain("=3");
    repl(board, "\x10reset();");
    board.advance(3000);
    expect(repl(board, "typeof ticks")).toContain('="undefined"');
  });
});
