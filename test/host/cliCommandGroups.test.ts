// `evv` loads only the command group its command line names (host/cli/commandGroups.ts): the
// table of which group registers which top-level command must match what each group registers,
// and what is not one command of one group gets the whole tree.
import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { commandGroups, groupsFor } from "../../host/cli/commandGroups.js";
import { evvProgram } from "../../host/cli/program.js";

describe("the CLI's command groups", () => {
  it("each group registers exactly the top-level commands the table names for it", async () => {
    for (const group of commandGroups) {
      const program = new Command();
      (await group.load())(program);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...group.names].sort());
    }
  });

  it("no two groups claim the same command", () => {
    const names = commandGroups.flatMap((g) => g.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it("a command line naming a command loads its group only, with all of that group's subcommands", async () => {
    expect(groupsFor(["verify", "--full"]).map((g) => g.names)).toEqual([["verify"]]);
    expect(groupsFor(["throttle", "reset"]).map((g) => g.names)).toEqual([["caregiver", "throttle"]]);
    const partial = await evvProgram(["device", "list"]);
    const whole = await evvProgram();
    expect(partial.commands.map((c) => c.name())).toEqual(["device"]);
    const subcommands = (program: Command) => program.commands.find((c) => c.name() === "device")!.commands.map((c) => c.name());
    expect(subcommands(partial)).toEqual(subcommands(whole));
  });

  it("help, no command, commander's help command and an unknown command get the whole tree, in the order help lists it; --version alone gets none", async () => {
    for (const args of [["--help"], [], ["help", "read"], ["bogus"], ["-h"]]) expect(groupsFor(args)).toBe(commandGroups);
    expect(groupsFor(["--version"])).toEqual([]);
    expect((await evvProgram(["--help"])).commands.map((c) => c.name())).toEqual(commandGroups.flatMap((g) => g.names));
  });
});
