// `evv device ...`: HHS provisioning and the device registry.
import { Command, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_DEVICE, EXIT_REJECTED, EXIT_USAGE } from "../cliError.js";
import { LinkError } from "../../transport/linkError.js";
import { openVerifierStores, verifierStoreOptions, type VerifierStoreOptions } from "../verifierStores.js";
import { checkDeviceLinkOptions, openDevicePipe, deviceLinkOptions, type DeviceLinkOptions } from "../devicePipe.js";
import { ConsoleSession } from "../../provisioning/consoleSession.js";
import { provisionDevice } from "../../provisioning/provisionDevice.js";
import { BUILT_FIRMWARE_DIRECTORY, firmwareBoard, loadFirmwareBundle } from "../../provisioning/firmwareBundle.js";
import { syncDeviceTime } from "../../provisioning/syncDeviceTime.js";
import { registrationLabel } from "../../provisioning/registrationLabel.js";
import { deviceIdHex as deviceIdSchema, instant, locationId } from "../../domain/identifiers.js";
import { parseDeviceIdHex } from "../../../protocol/index.js";

const print = (text: string): void => {
  process.stdout.write(text + "\n");
};
const printJson = (value: unknown): void => print(JSON.stringify(value, null, 2));

function parseOrUsage<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(`${what}: ${parsed.error.issues[0].message}`, EXIT_USAGE);
  return parsed.data;
}

function asCliError(error: unknown): never {
  if (error instanceof CliError) throw error;
  if (error instanceof LinkError) throw new CliError(error.message, EXIT_DEVICE);
  throw new CliError((error as Error).message, EXIT_REJECTED);
}

export function registerDeviceCommands(program: Command): void {
  const device = program.command("device").description("provision devices and keep the device registry (HHS)");

  withStores(withLink(device.command("provision")))
    .description("upload the firmware, write the device key, set the clock, lock the device and register it; safe to run again after an interruption")
    .addOption(new Option("--board <board>", "board the bundle is built for").choices(firmwareBoard.options).makeOptionMandatory())
    .option("--firmware-dir <dir>", "where the built bundles are (default: this checkout's dist/firmware)", BUILT_FIRMWARE_DIRECTORY)
    .option("--device-id <hex8>", "device ID for a device that has none yet (default: next free)")
    .option("--json", "print the result as JSON")
    .action(async (opts: VerifierStoreOptions & DeviceLinkOptions & { board: string; firmwareDir: string; deviceId?: string; json?: boolean }) => {
      checkDeviceLinkOptions(opts);
      const board = parseOrUsage(firmwareBoard, opts.board, "--board");
      const wantedId = opts.deviceId === undefined ? undefined : parseDeviceIdHex(parseOrUsage(deviceIdSchema, opts.deviceId.toLowerCase(), "--device-id"))!;
      const bundle = (() => {
        try {
          return loadFirmwareBundle(board, opts.firmwareDir);
        } catch (error) {
          throw new CliError((error as Error).message, EXIT_BAD_INPUT);
        }
      })();
      const stores = openVerifierStores(opts, { needKeystore: true });
      const session = new ConsoleSession(await openDevicePipe(opts));
      try {
        const result = await provisionDevice(session, {
          bundle,
          keystore: stores.keystore!,
          registry: stores.registry,
          deviceId: wantedId,
          now: () => new Date(),
          onStep: (message) => process.stderr.write(`· ${message}\n`),
          onUpload: (p) => {
            if (process.stderr.isTTY && !opts.json) process.stderr.write(`\r  ${p.phase === "write" ? "writing" : "verifying"} chunk ${p.done}/${p.total}${p.done === p.total ? "\n" : ""}`);
          },
        });
        if (opts.json) printJson(result);
        else {
          print(result.alreadyProvisioned ? `Device ${result.deviceId} was already provisioned; nothing changed.` : `Provisioned device ${result.deviceId}.`);
          print(await registrationLabel(result));
        }
      } catch (error) {
        asCliError(error);
      } finally {
        await session.close();
        stores.close();
      }
    });

  withLink(withStores(device.command("sync-time")))
    .description("set a device's clock with an authenticated, replay-proof sync, and the local time zone of the location it is assigned to (needs the keystore)")
    .argument("<deviceId>", "device ID, 8 hex digits")
    .option("--json", "print the result as JSON")
    .action(async (deviceId: string, opts: VerifierStoreOptions & DeviceLinkOptions & { json?: boolean }) => {
      const id = parseOrUsage(deviceIdSchema, deviceId.toLowerCase(), "deviceId");
      checkDeviceLinkOptions(opts);
      const stores = openVerifierStores(opts, { needKeystore: true });
      const session = new ConsoleSession(await openDevicePipe(opts));
      try {
        const result = await syncDeviceTime(session, { deviceId: id, keystore: stores.keystore!, registry: stores.registry, now: () => new Date() });
        if (opts.json) printJson(result);
        else {
          print(`Device ${id}: clock was ${result.offsetSeconds >= 0 ? "+" : ""}${result.offsetSeconds} s off; set to ${result.setTo}.`);
          print(
            result.zone === null
              ? `Device ${id} is not assigned to a service location: its screen shows UTC (assign it, then sync again).`
              : `Device ${id} shows local time of ${result.zone.timeZone} (UTC${result.zone.standardOffsetMinutes / 60 >= 0 ? "+" : ""}${result.zone.standardOffsetMinutes / 60}, daylight saving ${result.zone.ruleName}).`,
          );
        }
      } catch (error) {
        asCliError(error);
      } finally {
        await session.close();
        stores.close();
      }
    });

  withStores(device.command("assign"))
    .description("hang a device at a service location from a moment on (ends its previous assignment)")
    .argument("<deviceId>", "device ID, 8 hex digits")
    .requiredOption("--location <locationId>", "service location ID")
    .option("--from <instant>", "ISO 8601 instant (default: now)")
    .option("--to <instant>", "ISO 8601 instant (default: open-ended)")
    .option("--json", "print the result as JSON")
    .action((deviceId: string, opts: VerifierStoreOptions & { location: string; from?: string; to?: string; json?: boolean }) => {
      const assignment = {
        deviceId: parseOrUsage(deviceIdSchema, deviceId.toLowerCase(), "deviceId"),
        locationId: parseOrUsage(locationId, opts.location, "--location"),
        from: parseOrUsage(instant, opts.from ?? new Date().toISOString(), "--from"),
        to: opts.to === undefined ? undefined : parseOrUsage(instant, opts.to, "--to"),
      };
      const stores = openVerifierStores(opts, { needKeystore: false });
      try {
        stores.registry.assignDevice(assignment);
        if (opts.json) printJson(stores.registry.getDevice(assignment.deviceId));
        else print(`Device ${assignment.deviceId} assigned to ${assignment.locationId} from ${assignment.from}${assignment.to ? ` to ${assignment.to}` : ""}.`);
      } catch (error) {
        asCliError(error);
      } finally {
        stores.close();
      }
    });

  withStores(device.command("list"))
    .description("list registered devices")
    .option("--json", "print as JSON")
    .action((opts: VerifierStoreOptions & { json?: boolean }) => {
      const stores = openVerifierStores(opts, { needKeystore: false });
      try {
        const devices = stores.registry.listDevices();
        if (opts.json) return printJson(devices);
        if (devices.length === 0) return print("No devices registered.");
        for (const d of devices) {
          const open = d.assignments.find((a) => a.toMs === null);
          print(`${d.deviceId}  ${d.board.padEnd(12)} key v${d.keyVersion}  ${d.retiredAt ? `retired ${d.retiredAt}` : open ? `at ${open.locationId}` : "unassigned"}`);
        }
      } finally {
        stores.close();
      }
    });

  withStores(device.command("show"))
    .description("show one device: registration, assignments, clock observations")
    .argument("<deviceId>", "device ID, 8 hex digits")
    .option("--json", "print as JSON")
    .action((deviceId: string, opts: VerifierStoreOptions & { json?: boolean }) => {
      const id = parseOrUsage(deviceIdSchema, deviceId.toLowerCase(), "deviceId");
      const stores = openVerifierStores(opts, { needKeystore: false });
      try {
        const record = stores.registry.getDevice(id);
        if (!record) throw new CliError(`device ${id} is not registered`, EXIT_REJECTED);
        if (opts.json) return printJson(record);
        print(`Device ${record.deviceId}\n  board ${record.board}\n  key version ${record.keyVersion}\n  firmware ${record.firmwareHash}\n  provisioned ${record.provisionedAt}${record.retiredAt ? `\n  retired ${record.retiredAt}` : ""}`);
        print(`  assignments:${record.assignments.length === 0 ? " none" : ""}`);
        for (const a of record.assignments) print(`    ${a.locationId} from ${new Date(a.fromMs).toISOString()}${a.toMs === null ? "" : ` to ${new Date(a.toMs).toISOString()}`}`);
        print(`  clock observations: ${record.clockObservations.length}`);
        for (const o of record.clockObservations.slice(-5))
          print(`    ${new Date(o.observedMs).toISOString()} device ${new Date(o.deviceTime * 1000).toISOString()} (${o.source})`);
      } finally {
        stores.close();
      }
    });

  withStores(device.command("retire"))
    .description("take a device out of service; it never verifies a later visit")
    .argument("<deviceId>", "device ID, 8 hex digits")
    .option("--at <instant>", "ISO 8601 instant (default: now)")
    .option("--json", "print the result as JSON")
    .action((deviceId: string, opts: VerifierStoreOptions & { at?: string; json?: boolean }) => {
      const id = parseOrUsage(deviceIdSchema, deviceId.toLowerCase(), "deviceId");
      const at = parseOrUsage(instant, opts.at ?? new Date().toISOString(), "--at");
      const stores = openVerifierStores(opts, { needKeystore: false });
      try {
        stores.registry.retireDevice(id, at);
        if (opts.json) printJson(stores.registry.getDevice(id));
        else print(`Device ${id} retired at ${at}.`);
      } catch (error) {
        asCliError(error);
      } finally {
        stores.close();
      }
    });
}

function withStores(command: Command): Command {
  for (const option of verifierStoreOptions()) command.addOption(option);
  return command;
}

function withLink(command: Command): Command {
  for (const option of deviceLinkOptions()) command.addOption(option);
  return command;
}

