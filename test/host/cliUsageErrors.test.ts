// Usage errors exit 2 from every command and subcommand of `evv`: the commander tree is walked
// and each command is run (in process, through runCli as bin/evv.js runs it) with an unknown
// flag, without each of its required options, without its arguments and with one argument too
// many. With --json the failure is one JSON document on stdout.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Command } from "commander";
import { evvProgram } from "../../host/cli/program.js";
import { runCli } from "../../host/cli/runCli.js";
import { EXIT_USAGE } from "../../host/cli/cliError.js";

interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function runInProcess(args: string[]): Promise<CliOutcome> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    await runCli(await evvProgram(args), ["node", "evv", ...args]);
    return { exitCode: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

interface CommandShape {
  path: string[];
  leaf: boolean;
  requiredArguments: number;
  variadic: boolean;
  mandatoryOptions: { flag: string; value: string }[];
}

function shapes(command: Command, path: string[] = []): CommandShape[] {
  const own: CommandShape[] =
    path.length === 0
      ? []
      : [
          {
            path,
            leaf: command.commands.length === 0,
            requiredArguments: command.registeredArguments.filter((a) => a.required).length,
            variadic: command.registeredArguments.some((a) => a.variadic),
            mandatoryOptions: command.options.filter((o) => o.mandatory).map((o) => ({ flag: o.long!, value: o.argChoices?.[0] ?? "x" })),
          },
        ];
  return [...own, ...command.commands.flatMap((c) => shapes(c, [...path, c.name()]))];
}

const tree = shapes(await evvProgram());
const leaves = tree.filter((s) => s.leaf);
const groups = tree.filter((s) => !s.leaf);
const completeArgs = (s: CommandShape) => Array.from({ length: s.requiredArguments }, (_, i) => `arg${i + 1}`);
const allMandatory = (s: CommandShape) => s.mandatoryOptions.flatMap((o) => [o.flag, o.value]);

describe("usage errors exit 2 from every evv command", () => {
  it("walks a tree of every command group and subcommand", () => {
    expect(leaves.map((s) => s.path.join(" "))).toEqual(expect.arrayContaining(["read", "device provision", "device assign", "import clients", "import readings", "export claims", "report timeline", "keystore init"]));
    expect(groups.map((s) => s.path.join(" "))).toEqual(expect.arrayContaining(["device", "keystore", "import", "export", "report"]));
  });

  it.each(leaves.map((s) => [s.path.join(" "), s] as const))("evv %s with an unknown flag exits 2 naming it", async (_name, s) => {
    const outcome = await runInProcess([...s.path, ...completeArgs(s), ...allMandatory(s), "--no-such-flag"]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(outcome.stderr).toContain("--no-such-flag");
  });

  const withMandatory = leaves.flatMap((s) => s.mandatoryOptions.map((o) => [s.path.join(" "), o.flag, s] as const));
  it.each(withMandatory)("evv %s without its required %s exits 2 naming it", async (_name, flag, s) => {
    const others = s.mandatoryOptions.filter((o) => o.flag !== flag).flatMap((o) => [o.flag, o.value]);
    const outcome = await runInProcess([...s.path, ...completeArgs(s), ...others]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(outcome.stderr).toContain(flag);
  });

  const withArguments = leaves.filter((s) => s.requiredArguments > 0).map((s) => [s.path.join(" "), s] as const);
  it.each(withArguments)("evv %s without its arguments exits 2", async (_name, s) => {
    const outcome = await runInProcess([...s.path, ...allMandatory(s)]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(outcome.stderr).toMatch(/missing required argument/);
  });

  const fixedArity = leaves.filter((s) => !s.variadic).map((s) => [s.path.join(" "), s] as const);
  it.each(fixedArity)("evv %s with one argument too many exits 2", async (_name, s) => {
    const outcome = await runInProcess([...s.path, ...completeArgs(s), "surplus", ...allMandatory(s)]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(outcome.stderr).toMatch(/too many arguments/);
  });

  it.each(groups.map((s) => [s.path.join(" "), s] as const))("evv %s without a subcommand exits 2 with its help", async (_name, s) => {
    const outcome = await runInProcess(s.path);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(outcome.stderr).toContain("Usage:");
  });

  it("an unknown command exits 2", async () => {
    const outcome = await runInProcess(["frobnicate"]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(outcome.stderr).toContain("frobnicate");
  });

  it("--help and --version still exit 0", async () => {
    expect((await runInProcess(["--help"])).exitCode).toBe(0);
    expect((await runInProcess(["device", "assign", "--help"])).exitCode).toBe(0);
    expect((await runInProcess(["--version"])).exitCode).toBe(0);
  });
});

describe("with --json a failure is one JSON document on stdout", () => {
  const errorDocument = (stdout: string) => JSON.parse(stdout) as { error: { code: string; exitCode: number; message: string } };

  it("a missing required option", async () => {
    const outcome = await runInProcess(["device", "assign", "00000001", "--json"]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(errorDocument(outcome.stdout).error).toMatchObject({ code: "USAGE", exitCode: EXIT_USAGE });
    expect(errorDocument(outcome.stdout).error.message).toContain("--location");
    expect(outcome.stderr).toBe("");
  });

  it("an unknown flag", async () => {
    const outcome = await runInProcess(["report", "summary", "--json", "--colour"]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(errorDocument(outcome.stdout).error.message).toContain("--colour");
  });

  it("a value the command itself refuses", async () => {
    const outcome = await runInProcess(["report", "visits", "--limit", "0", "--json"]);
    expect(outcome.exitCode).toBe(EXIT_USAGE);
    expect(errorDocument(outcome.stdout).error).toEqual({ code: "USAGE", exitCode: EXIT_USAGE, message: "--limit must be a positive whole number" });
  });
});
