// `evv device ...`: HHS provisioning and the device registry.
import { Command, InvalidArgumentError, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_DEVICE, EXIT_REJECTED, EXIT_USAGE } from "../cliError.js";
import { LinkError } from "../../transport/linkError.js";
import { openVerifierStores, verifierStoreOptions, type VerifierStoreOptions } from "../verifierStores.js";
import { checkDeviceLinkOptions, openDevicePipe, deviceLinkOptions, type DeviceLinkOptions } from "../devicePipe.js";
import { ConsoleSession } from "../../provisioning/consoleSession.js";
import { provisionDevice, UnencryptedLinkError } from "../../provisioning/provisionDevice.js";
import { BUILT_FIRMWARE_DIRECTORY, loadFirmwareBundle } from "../../provisioning/firmwareBundle.js";
import { readDeviceJournal } from "../../provisioning/deviceJournal.js";
import { BOARD_NAMES, parseBoardArgument, type BoardName } from "../../domain/boardName.js";
import { unknownLocationProblem } from "../../storage/serviceLocationLookup.js";
import { openBluetoothAdapter } from "../../transport/bluetoothAdapter.js";
import { scanDevices, scanText } from "../../provisioning/deviceScan.js";
import { deviceTimeZone } from "../../report/deviceReport.js";
import { localDateTime } from "../../report/localTime.js";
import { NO_TIME_BEFORE_SECONDS, syncDeviceTime, syncResultText } from "../../provisioning/syncDeviceTime.js";
import { registrationLabel } from "../../provisioning/registrationLabel.js";
import { tapUrl } from "../../provisioning/tapUrl.js";
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

/** --board: the board's name, or an earlier spelling of it with a note saying the name to use. */
function boardArgument(text: string): BoardName {
  const parsed = parseBoardArgument(text);
  if ("problem" in parsed) throw new InvalidArgumentError(parsed.problem);
  if (parsed.note) process.stderr.write(`evv: note: ${parsed.note}\n`);
  return parsed.board;
}

function asCliError(error: unknown): never {
  if (error instanceof CliError) throw error;
  if (error instanceof LinkError) throw new CliError(error.message, EXIT_DEVICE);
  throw new CliError((error as Error).message, EXIT_REJECTED);
}

export function registerDeviceCommands(program: Command): void {
  const device = program.command("device").description("provision devices and keep the device registry (HHS)");

  withStores(withLink(device.command("provision")))
    .description("upload the firmware (always, other boot code erased first), write the device key, set the clock, give the NFC tap its base URL (--tap-url), lock the device and register it; over --serial only (the key never crosses BLE); safe to run again after an interruption")
    .addOption(new Option("--board <board>", "board the bundle is built for").choices(BOARD_NAMES).argParser(boardArgument).makeOptionMandatory())
    .option("--firmware-dir <dir>", "where the built bundles are (default: this checkout's dist/firmware)", BUILT_FIRMWARE_DIRECTORY)
    .option("--device-id <hex8>", "device ID for a device that has none yet (default: next free)")
    .option("--tap-url <url>", "base URL of the NFC tap, the web app of `evv serve` (e.g. https://hhs.example/app/): a phone touching the fob opens <url>#<frame>; https, at most 100 characters, no # part; without it the NFC record stays evv:1/<frame>, which phones do not open")
    .option("--json", "print the result as JSON")
    .action(async (opts: VerifierStoreOptions & DeviceLinkOptions & { board: BoardName; firmwareDir: string; deviceId?: string; tapUrl?: string; json?: boolean }) => {
      checkDeviceLinkOptions(opts);
      if (opts.ble !== undefined) throw new CliError(new UnencryptedLinkError().message, EXIT_USAGE);
      const board = opts.board;
      const wantedId = opts.deviceId === undefined ? undefined : parseDeviceIdHex(parseOrUsage(deviceIdSchema, opts.deviceId.toLowerCase(), "--device-id"))!;
      const wantedTapUrl = opts.tapUrl === undefined ? undefined : parseOrUsage(tapUrl, opts.tapUrl, "--tap-url");
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
          link: "serial",
          bundle,
          keystore: stores.keystore!,
          registry: stores.registry,
          deviceId: wantedId,
          tapUrl: wantedTapUrl,
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
          print(syncResultText(result));
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

  withLink(withStores(device.command("journal")))
    .description("read a device's journal (button presses, challenges, clock events) with keyed reads, each record verified with its key (needs the keystore)")
    .argument("<deviceId>", "device ID, 8 hex digits")
    .option("--from <seq>", "first record to read (default: the oldest still held)", "0")
    .option("--json", "print the records as JSON")
    .action(async (deviceId: string, opts: VerifierStoreOptions & DeviceLinkOptions & { from: string; json?: boolean }) => {
      const id = parseOrUsage(deviceIdSchema, deviceId.toLowerCase(), "deviceId");
      const fromSeq = parseOrUsage(z.coerce.number().int().min(0).max(0xffffffff), opts.from, "--from");
      checkDeviceLinkOptions(opts);
      const stores = openVerifierStores(opts, { needKeystore: true });
      const session = new ConsoleSession(await openDevicePipe(opts));
      try {
        const journal = await readDeviceJournal(session, { deviceId: id, keystore: stores.keystore!, registry: stores.registry, fromSeq });
        if (opts.json) printJson(journal);
        else
          for (const e of journal.entries)
            print(`${String(e.seq).padStart(6)}  ${e.time === 0 ? "(clock not set)".padEnd(24) : new Date(e.time * 1000).toISOString().padEnd(24)}  ${e.eventName} ${e.arg}`);
      } catch (error) {
        asCliError(error);
      } finally {
        await session.close();
        stores.close();
      }
    });

  device
    .command("scan")
    .description("list the fobs and stock Espruino boards in BLE range with the address each advertises from now (for `evv read --ble --device`, `device sync-time --ble`)")
    .option("--duration <ms>", "listen this long", "4000")
    .option("--json", "print the list as JSON")
    .addHelpText("after", "\nBLE uses the system adapter, or an HCI controller on a UART with BLUETOOTH_HCI_SOCKET_UART_PORT=<path>.")
    .action(async (opts: { duration: string; json?: boolean }) => {
      const duration = Number(opts.duration);
      if (!Number.isInteger(duration) || duration < 500 || duration > 120_000) throw new CliError(`--duration: expected whole milliseconds from 500 to 120000, got ${opts.duration}`, EXIT_USAGE);
      let adapter;
      try {
        adapter = await openBluetoothAdapter();
      } catch (error) {
        throw new CliError(`${(error as Error).message}`, EXIT_DEVICE);
      }
      try {
        const devices = await scanDevices(adapter.noble, duration);
        if (opts.json) printJson(devices);
        else process.stdout.write(scanText(devices, duration));
      } catch (error) {
        throw new CliError(`scan failed: ${(error as Error).message}`, EXIT_DEVICE);
      } finally {
        adapter.release();
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
      const stores = openVerifierStores(opts, { needKeystore: true });
      try {
        const problem = unknownLocationProblem(stores.db, assignment.locationId);
        if (problem) throw new CliError(problem, EXIT_BAD_INPUT);
        stores.registry.assignDevice(assignment);
        if (opts.json) printJson(stores.registry.getDevice(assignment.deviceId));
        else {
          const zone = deviceTimeZone(stores.db, assignment.locationId);
          const local = (at: string) => localDateTime(Date.parse(at), zone);
          print(`Device ${assignment.deviceId} assigned to ${assignment.locationId} from ${local(assignment.from)}${assignment.to ? ` to ${local(assignment.to)}` : ""}.`);
        }
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
        // Times in the time zone of the device's latest location (else this computer's).
        const zone = deviceTimeZone(stores.db, record.assignments.at(-1)?.locationId ?? null);
        const local = (ms: number) => localDateTime(ms, zone);
        print(`Device ${record.deviceId}\n  board ${record.board}\n  key version ${record.keyVersion}\n  firmware ${record.firmwareHash}\n  provisioned ${local(Date.parse(record.provisionedAt))}${record.retiredAt ? `\n  retired ${local(Date.parse(record.retiredAt))}` : ""}`);
        print(`  assignments:${record.assignments.length === 0 ? " none" : ""}`);
        for (const a of record.assignments) print(`    ${a.locationId} from ${local(a.fromMs)}${a.toMs === null ? "" : ` to ${local(a.toMs)}`}`);
        print(`  clock observations: ${record.clockObservations.length}`);
        for (const o of record.clockObservations.slice(-5))
          print(`    ${local(o.observedMs)}: device clock ${o.deviceTime < NO_TIME_BEFORE_SECONDS ? "not set" : `${o.deviceTime - Math.round(o.observedMs / 1000)} s off`} (${o.source})`);
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
      const stores = openVerifierStores(opts, { needKeystore: true });
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

