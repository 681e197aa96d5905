// `evv-sim` / `npm run sim -- --board pixljs`: starts a simulated device running the built
// firmware bundle, optionally provisioned with a test ID and key, shows its screen and codes,
// and takes the tester's commands on stdin (or from --script).
import { Command, CommanderError } from "commander";
import { createInterface } from "node:readline";
import { existsSync } from "node:fs";
import { SimulatedDevice } from "../device/simulatedDevice.js";
import { bundlePathFor } from "../../firmware/build/boardFacts.js";
import { SimOptionsSchema } from "./simOptions.js";
import { SESSION_HELP, SimSession } from "./simSession.js";
import { loadStorageFile, saveStorageFile } from "./storageFile.js";
import { DEVICE_EXPOSURES } from "./deviceExposures.js";

const program = new Command();
program
  .name("evv-sim")
  .description("Run a simulated EVV fob (the built firmware bundle on an emulated Espruino board)")
  .requiredOption("--board <board>", "puckjs, pixljs or banglejs2")
  .option("--bundle <path>", "firmware bundle (default dist/firmware/<board>.js)")
  .option("--stock", "a stock board with no firmware, as it comes from the maker: for `evv device provision`", false)
  .option("--id <hex8>", "provision this device ID")
  .option("--key <hex64>", "provision this device key")
  .option("--master-key <hex64>", "derive the device key from this master key")
  .option("--key-version <n>", "key version for --master-key / PROV KEY", "1")
  .option("--lock", "lock the device after provisioning", false)
  .option("--start <iso>", "world time to start at (default now)")
  .option("--drift-ppm <ppm>", "clock drift of the board", "0")
  .option("--battery <percent>", "battery level", "100")
  .option("--speed <factor>", "time runs this many times faster than the wall clock", "1")
  .option("--storage <file.json>", "keep the device's Storage in this file across sessions")
  .option("--script <commands>", "run these commands (separated by ';') in virtual time and exit")
  .addHelpText("after", "\n" + SESSION_HELP)
  .exitOverride()
  .showHelpAfterError();
for (const exposure of DEVICE_EXPOSURES) exposure.addOptions(program);

try {
  program.parse(process.argv);
} catch (error) {
  process.exit(error instanceof CommanderError ? error.exitCode : 2);
}
const flags = program.opts();
const parsed = SimOptionsSchema.safeParse(flags);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`evv-sim: ${issue.message}`);
  process.exit(2);
}
const options = parsed.data;
const bundlePath = options.stock ? undefined : (options.bundle ?? bundlePathFor(options.board));
if (bundlePath !== undefined && !existsSync(bundlePath)) {
  console.error(`evv-sim: ${bundlePath} does not exist; run npm run build:firmware first`);
  process.exit(2);
}

let device: SimulatedDevice;
try {
  device = SimulatedDevice.create({
    board: options.board,
    bundlePath,
    storage: options.storage ? loadStorageFile(options.storage) : undefined,
    clock: { startUnixMs: options.start ? Date.parse(options.start) : Date.now(), driftPpm: options.driftPpm, mode: options.script ? "virtual" : "realtime" },
    batteryPercent: options.battery,
  });
} catch (error) {
  console.error(`evv-sim: ${(error as Error).message}`);
  process.exit(1);
}
const session = new SimSession(device, options);
device.on("uncaughtError", (text: string) => console.log(`[device] ${text}`));
device.on("outOfMemory", (n: number) => console.log(`[device] Out of Memory: ${n} JsVars of ${device.jsVarBudget}`));
for (const line of session.provision(options)) console.log(line);
const persist = () => {
  if (options.storage) saveStorageFile(options.storage, device.storageSnapshot());
};
persist();

const stops: Array<() => Promise<void>> = [];
for (const exposure of DEVICE_EXPOSURES) {
  const stop = await exposure.start(device, flags, (line) => console.log(line));
  if (stop) stops.push(stop);
}
session.linksExposed = stops.length > 0;
const finish = async (code: number) => {
  device.stop();
  persist();
  for (const stop of stops) await stop();
  process.exit(code);
};

if (options.script !== undefined) {
  console.log(session.show());
  // A command that fails says why and the script goes on; the exit code is 1 when any failed.
  let failed = false;
  for (const command of options.script.split(";")) {
    console.log(`> ${command.trim()}`);
    let result: string | null;
    try {
      result = session.run(command);
    } catch (error) {
      console.error(`evv-sim: ${command.trim()}: ${(error as Error).message}`);
      failed = true;
      result = "";
    }
    if (result === null) break;
    if (result) console.log(result);
  }
  await finish(failed ? 1 : 0);
} else {
  console.log(session.show());
  console.log("type help for commands; the code is shown again at every rotation");
  // Shown once the device has finished its rotation (the event fires in the middle of it: the
  // screen and the CODE answer would still be the previous minute's).
  device.on("advertising", () => setImmediate(() => console.log("\n" + session.show())));
  device.runRealtime(options.speed);
  const input = createInterface({ input: process.stdin, output: process.stdout, prompt: "evv-sim> " });
  input.prompt();
  input.on("line", (line) => {
    let result: string | null;
    try {
      result = session.run(line);
    } catch (error) {
      result = `error: ${(error as Error).message}`;
    }
    if (result === null) {
      input.close();
      return;
    }
    if (result) console.log(result);
    persist();
    input.prompt();
  });
  input.on("close", () => void finish(0));
}
