// `npm start`: the whole flow on the embedded default. HHS provisions three simulated fobs
// over serial (the key never crosses BLE; the Puck.js is then read over BLE), caregivers read them across three
// simulated days, some visits go wrong on purpose, the verifier judges everything against the
// authorizations and North Dakota's rules, and the exports and an HTML report are written to a
// folder this prints. Provisioning and reading run in this process (so that the simulated
// days can pass in seconds); importing, verifying, exporting and reporting run the real `evv`
// command, as an operator would.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DateTime } from "luxon";
import { Keystore } from "../host/keystore/keystore.js";
import { openDatabase } from "../host/storage/database.js";
import { DeviceRegistry } from "../host/registry/deviceRegistry.js";
import { ConsoleSession } from "../host/provisioning/consoleSession.js";
import { sealAuditWith } from "../host/storage/auditLog.js";
import { provisionDevice } from "../host/provisioning/provisionDevice.js";
import { loadFirmwareBundle } from "../host/provisioning/firmwareBundle.js";
import { syncDeviceTime } from "../host/provisioning/syncDeviceTime.js";
import { openSerialPipe } from "../host/transport/serialPipe.js";
import { openBlePipeByAddress } from "../host/transport/blePipeByAddress.js";
import { nobleOnHciUart } from "../host/transport/bluetoothAdapter.js";
import type { BytePipe } from "../host/transport/deviceLink.js";
import { DemoWorld, currentBleAddress, type DemoFob } from "./demoWorld.js";
import { MANUAL_VISIT, WORLD_START, instantOf, visits, worldEvents } from "./scenario.js";
import { sandataExportChecks } from "./sandataCheck.js";
import { takeReading, type ReadOutcome } from "./caregiverRead.js";
import { runEvvStep } from "./evvStep.js";
import { plantedFaultChecks } from "./plantedFaults.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const DEMO_PASSPHRASE = "npm start demo keystore - not for real keys";

const say = (text: string) => process.stdout.write(text + "\n");

async function main(): Promise<void> {
  const stamp = DateTime.now().toFormat("yyyyLLdd-HHmmss");
  const outDir = resolve(process.env.EVV_DEMO_OUT ?? join(root, "out", `demo-${stamp}`));
  mkdirSync(outDir, { recursive: true });
  const env = { EVV_DB: join(outDir, "evv.db"), EVV_KEYSTORE: join(outDir, "keystore.json"), EVV_PASSPHRASE: DEMO_PASSPHRASE };
  say(`EVV fob demo: three homes, three simulated days. Output folder: ${outDir}\n`);

  say("1. Building the firmware bundles (npm run build:firmware)");
  execFileSync(process.execPath, ["--import", "tsx", join(root, "firmware/build/buildFirmware.ts")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });

  say("2. HHS keystore and the state's records");
  const keystore = Keystore.create(env.EVV_KEYSTORE, DEMO_PASSPHRASE);
  for (const kind of ["clients", "providers", "caregivers", "authorizations"]) await runEvvStep(["import", kind, join(root, "demo/data", `${kind}.json`)], env, say);

  const db = openDatabase(env.EVV_DB);
  // The demo's own registry writes are sealed with the keystore's audit key, as the CLI's are.
  sealAuditWith(db, keystore.auditSealKey());
  const registry = new DeviceRegistry(db);
  const world = DemoWorld.create(WORLD_START);
  try {
    say("\n3. Provisioning one stock board per home: upload, key, clock, lock, register, assign");
    const fobs = [
      await world.addStockFob("bismarck-lindqvist", "puckjs", "ble", 0),
      await world.addStockFob("dickinson-olson", "pixljs", "serial", 400),
      await world.addStockFob("minot-haugen", "banglejs2", "serial", 20),
    ];
    const deviceIds = new Map<DemoFob, string>();
    await world.inRealTime(async () => {
      for (const fob of fobs) {
        const session = new ConsoleSession(await openSerialPipe(fob.serialPath, 9600));
        try {
          const result = await provisionDevice(session, {
            link: "serial",
            bundle: loadFirmwareBundle(fob.board, join(root, "dist/firmware")),
            keystore,
            registry,
            now: () => new Date(fob.device.worldNowMs()),
            onStep: () => undefined,
            onUpload: () => undefined,
          });
          deviceIds.set(fob, result.deviceId);
          say(`   ${result.deviceId}  ${fob.board.padEnd(9)} over serial, read over ${fob.link.padEnd(6)} -> ${fob.locationId}`);
        } finally {
          await session.close();
        }
      }
    });
    for (const fob of fobs) registry.assignDevice({ deviceId: deviceIds.get(fob)!, locationId: fob.locationId, from: world.now().toISOString() });

    say("\n4. Three days of visits (local times at each home)");
    const log = join(outDir, "visits.jsonl");
    const photos = new Map<string, string>();
    const refusedAtEntry: ReadOutcome[] = [];
    const timeline = [
      ...visits.flatMap((visit) => visit.readings.map((reading) => ({ at: instantOf(reading.at, visit.timeZone), visit, reading, event: null }))),
      ...worldEvents.map((event) => ({ at: instantOf(event.at, event.timeZone), visit: null, reading: null, event })),
    ].sort((a, b) => a.at - b.at);
    for (const step of timeline) {
      world.advanceTo(step.at);
      if (step.event) {
        const fob = fobs.find((f) => f.locationId === step.event!.locationId)!;
        const when = DateTime.fromMillis(step.at, { zone: step.event.timeZone }).toFormat("ccc HH:mm ZZZZ");
        if (step.event.kind === "move") {
          fob.device.move();
          say(`   ${when}  ${fob.locationId}: the fob is knocked off its shelf (motion sensor)`);
        } else if (step.event.kind === "clock-jump") {
          fob.device.skewClock(step.event.minutes * 60_000);
          say(`   ${when}  ${fob.locationId}: the fob's clock jumps ${step.event.minutes} minutes ahead`);
        } else {
          const session = new ConsoleSession(await openPipe(world, fob));
          try {
            const synced = await world.inRealTime(() => syncDeviceTime(session, { deviceId: deviceIds.get(fob)!, keystore, registry, now: () => new Date(fob.device.worldNowMs()) }));
            say(`   ${when}  ${fob.locationId}: HHS syncs the fob's clock (authenticated); it was ${synced.offsetSeconds} s off`);
          } finally {
            await session.close();
          }
        }
        continue;
      }
      const fob = fobs.find((f) => f.locationId === step.visit!.locationId)!;
      const outcome = await takeReading({ world, fob, visit: step.visit!, reading: step.reading!, log, photos });
      refusedAtEntry.push(...outcome.refusedFirst);
      say(`   ${outcome.line}`);
    }

    say("\n5. Thursday the fob at Ada's home has lost power: the agency's office records Mary Ann Jones's visit by hand");
    const m = MANUAL_VISIT;
    await runEvvStep(
      ["visit", "record", "--provider", m.providerNumber, "--client", m.clientNdNumber, "--caregiver", m.caregiverId, "--begin", m.begin, "--end", m.end, "--tasks", m.tasks.join(","), "--reason", m.reason, "--by", m.enteredBy],
      env,
      say,
    );

    say("\n6. Verifying, exporting, reporting with the evv command");
    // HHS receives the visit log at the end of the simulated days (lateness counts to receipt).
    await runEvvStep(["import", "readings", log, "--received-at", world.now().toISOString()], env, say);
    await runEvvStep(["verify"], env, say);
    await runEvvStep(["export", "records", "--format", "csv", "--out", join(outDir, "evv-records.csv")], env, say);
    await runEvvStep(["export", "records", "--format", "json", "--out", join(outDir, "evv-records.json")], env, say);
    const sandataDir = join(outDir, "sandata");
    await runEvvStep(["export", "sandata", "--out-dir", sandataDir], env, say);
    await runEvvStep(["export", "clock-history", "--out", join(outDir, "clock-history.json")], env, say);
    await runEvvStep(["export", "claims", "--format", "csv", "--out", join(outDir, "daily-claims.csv")], env, say);
    const summary = await runEvvStep(["report", "summary"], env, () => undefined);
    say(summary.stdout.trimEnd().replace(/^/gm, "   "));
    const usage = await runEvvStep(["report", "usage"], env, () => undefined);
    say("   EVV usage (visits proven by the device):\n" + usage.stdout.trimEnd().replace(/^/gm, "     "));
    const visitsJson = await runEvvStep(["report", "visits", "--json", "--limit", "1000"], env, () => undefined);
    writeFileSync(join(outDir, "visits-report.json"), visitsJson.stdout);
    await runEvvStep(["report", "timeline", "--out", join(outDir, "visit-timeline.html")], env, () => undefined);

    say("\n7. Planted faults");
    const checks = [...plantedFaultChecks(JSON.parse(visitsJson.stdout), refusedAtEntry), ...sandataExportChecks(sandataDir)];
    for (const check of checks) say(`   ${check.caught ? "caught" : "MISSED"}  ${check.what}: ${check.how}`);
    say(`\nWritten to ${relative(process.cwd(), outDir) || outDir}:`);
    for (const file of ["visit-timeline.html", "evv-records.csv", "evv-records.json", "sandata/ (employees, clients, visits)", "daily-claims.csv", "clock-history.json", "visits-report.json", "visits.jsonl", "evv.db"]) say(`   ${file}`);
    if (checks.some((c) => !c.caught)) process.exitCode = 1;
  } finally {
    db.close();
    await world.close();
  }
}

async function openPipe(world: DemoWorld, fob: DemoFob): Promise<BytePipe> {
  if (fob.link === "serial") return openSerialPipe(fob.serialPath, 9600);
  fob.device.pressButton(); // HHS presses the fob's button first: a provisioned Puck.js is on air only then
  return openBlePipeByAddress(currentBleAddress(fob), { noble: nobleOnHciUart(await world.hciPath()) });
}

main().catch((error: Error) => {
  process.stderr.write(`npm start failed: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
