// The README's HHS analyst walkthrough, command by command, with the real CLI: a keystore, the
// imports (a broken file refused by line and column), a stock Puck.js found with
// `evv device scan` (the emulated HCI controller, unchanged noble) and provisioned over serial,
// an assignment refused for a location no client has, the roster for the readers, a visit
// read by a caregiver, a power loss and the clock sync that says so, then verify, the reports
// in local time and words, the timeline with sentences and the exports that say what they wrote.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { ROTATION_WAIT_ALLOWANCE_MS, bundlePath, realtimeClockStart } from "./fobUnderTest.js";
import { runEvv } from "./runEvv.js";

/** The walkthrough's fob lives three minutes; its clock start may wait that long plus 2 s for a quarter-hour to pass (realtimeClockStart). */
const FOB_LIFETIME_MS = 180_000;
vi.setConfig({ testTimeout: 240_000 + ROTATION_WAIT_ALLOWANCE_MS, hookTimeout: 60_000 + FOB_LIFETIME_MS + 5_000 });

const demoData = (file: string) => fileURLToPath(new URL(`../../demo/data/${file}`, import.meta.url));
let dir = "";
let env: Record<string, string> = {};
let device: SimulatedDevice;
let hci: HciExposure;
let serial: SerialExposure;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "evv-walkthrough-hhs-"));
  env = { EVV_DB: join(dir, "evv.db"), EVV_KEYSTORE: join(dir, "evv-keystore.json"), EVV_PASSPHRASE: "walkthrough passphrase" };
  bundlePath("puckjs");
  device = SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: await realtimeClockStart(FOB_LIFETIME_MS), mode: "realtime" }, addressSeed: "walkthrough-hhs" });
  device.runRealtime();
  hci = await HciExposure.open();
  hci.addDevice(device);
  env.BLUETOOTH_HCI_SOCKET_UART_PORT = hci.hostPath;
  serial = await SerialExposure.open(device);
});

afterAll(async () => {
  await hci?.close();
  await serial?.close();
  device?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Scanned {
  address: string;
  kind: string;
  locked: boolean | null;
  clockSet: boolean | null;
}
async function scan(): Promise<Scanned[]> {
  const run = await runEvv(["device", "scan", "--duration", "2500", "--json"], env);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Scanned[];
}

describe("the HHS analyst's walkthrough (README)", () => {
  it("runs from a new keystore to the reports and exports", async () => {
    expect((await runEvv(["keystore", "init"], env)).code).toBe(0);

    // Imports: a broken file is refused by line and column, nothing imported.
    const broken = join(dir, "clients-broken.json");
    writeFileSync(broken, readFileSync(demoData("clients.json"), "utf8").replace('"ND-200581",', '"ND-200581"'));
    const refused = await runEvv(["import", "clients", broken], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/clients-broken\.json line 9, column \d+: not valid JSON: a comma was expected/);
    for (const kind of ["clients", "providers", "caregivers", "authorizations"]) {
      const imported = await runEvv(["import", kind, demoData(`${kind}.json`)], env);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(new RegExp(`imported ${kind} from .*: \\d+ new`));
    }

    // The stock board is heard with the address it advertises from now, then provisioned over
    // serial (the key never crosses BLE: --ble is refused).
    const stock = (await scan()).find((d) => d.kind === "espruino-board");
    expect(stock?.address).toBe(device.macAddress.split(" ")[0]);
    const overBle = await runEvv(["device", "provision", "--ble", stock!.address, "--board", "puckjs"], env);
    expect(overBle.code).toBe(2);
    const provisioned = await runEvv(["device", "provision", "--serial", serial.hostPath, "--board", "puckjs"], env, 180_000);
    expect(provisioned.code).toBe(0);
    expect(provisioned.stdout).toContain("Provisioned device 00000001.");

    // A fob now: once its button is pressed it advertises its frame from a new address.
    device.pressButton();
    const fob = (await scan()).find((d) => d.kind === "fob");
    expect(fob).toMatchObject({ address: device.macAddress.split(" ")[0], locked: true, clockSet: true });

    // A location no client has is refused, naming it; the client's location is accepted.
    const typo = await runEvv(["device", "assign", "00000001", "--location", "home-1"], env);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain('--location home-1: no client has the service location "home-1"; known locations: bismarck-lindqvist, dickinson-olson, minot-haugen');
    const from = new Date(Date.now() - 3600_000).toISOString();
    expect((await runEvv(["device", "assign", "00000001", "--location", "dickinson-olson", "--from", from], env)).code).toBe(0);
    const list = await runEvv(["device", "list"], env);
    expect(list.stdout).toMatch(/^00000001 {2}puckjs +key v1 {2}at dickinson-olson$/m);

    // The roster for the readers.
    const rosterFile = join(dir, "evv-roster.json");
    const roster = await runEvv(["export", "roster", "--out", rosterFile], env);
    expect(roster.code).toBe(0);
    expect(roster.stdout).toContain(`wrote 6 roster entries (3 providers, 3 clients, 3 authorized pairs) (JSON) to ${rosterFile}`);

    // A caregiver's visit (the caregiver's walkthrough), and a check-in without a check-out.
    const log = join(dir, "evv-visits.jsonl");
    const reader = ["--roster", rosterFile, "--log", log];
    const address = () => device.macAddress.split(" ")[0];
    device.pressButton(); // one press, one read: a Puck.js is on air for a read after a press
    const checkIn = await runEvv(["read", "--ble", "--device", address(), "--check-in", "--provider", "QSP-I2002", "--client", "ND-200581", ...reader], env);
    expect(checkIn.code).toBe(0);
    device.pressButton();
    const checkOut = await runEvv(["read", "--ble", "--device", address(), "--check-out", "--tasks", "bathing,meal-preparation", "--provider", "QSP-I2002", "--client", "ND-200581", ...reader], env);
    expect(checkOut.code).toBe(0);
    device.pressButton();
    // An agency's caregiver names themself (README, caregiver's walkthrough).
    const lonely = await runEvv(["read", "--ble", "--device", address(), "--check-in", "--provider", "QSP-A1001", "--caregiver", "A1001-07", "--client", "ND-100234", ...reader], env);
    expect(lonely.code).toBe(0);

    // The fob loses power; the scan shows it with its clock not set; the sync says so in words.
    device.powerLoss();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    device.pressButton();
    const afterLoss = (await scan()).find((d) => d.kind === "fob");
    expect(afterLoss).toMatchObject({ clockSet: false });
    const sync = await runEvv(["device", "sync-time", "00000001", "--ble", afterLoss!.address], env);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^Device 00000001: the clock was not set \(the device had lost power\); set to \d{4}-\d\d-\d\dT[\d:.]+Z\.$/m);
    expect(sync.stdout).not.toMatch(/-\d{6,} s off/);
    const show = await runEvv(["device", "show", "00000001"], env);
    expect(show.stdout).toMatch(/^ {4}dickinson-olson from \w{3} \d{4}-\d\d-\d\d \d\d:\d\d M[SD]T$/m);
    expect(show.stdout).toMatch(/^ {4}\w{3} [\d-]+ [\d:]+ M[SD]T: device clock not set \(time-sync\)$/m);
    expect(show.stdout).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}Z/);

    // Readings in, verified, reported in the location's local time and in words.
    expect((await runEvv(["import", "readings", log], env)).code).toBe(0);
    expect((await runEvv(["verify"], env)).code).toBe(0);
    const visits = await runEvv(["report", "visits"], env);
    expect(visits.code).toBe(0);
    expect(visits.stdout).toMatch(/^Dana Berg \(QSP-I2002\) \(caregiver QSP-I2002\) for Bernard Olson \(ND-200581\)\n {4}\w{3} \d{4}-\d\d-\d\d \d\d:\d\d M[SD]T to \d\d:\d\d M[SD]T \(\d+ min\)\n {4}verified(-with-flags)?, \d+ units? of T1019; check-in by fob challenged, check-out by fob challenged; visit \S+$/m);
    expect(visits.stdout).toMatch(/^Prairie Rose Home Care \(QSP-A1001\) \(caregiver A1001-07\) for Ada Lindqvist \(ND-100234\)\n {4}check-in read \w{3} [\d-]+ [\d:]+ C[SD]T; no check-out recorded \(the reader's clock: these times were not verified\)\n {4}rejected, 0 units; check-in by fob challenged, no check-out/m);
    expect(visits.stdout).toContain("DEVICE_NOT_AT_LOCATION: The device that answered was not assigned to the client's service location at that time.");
    expect(visits.stdout).not.toContain("?");
    expect(visits.stdout).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}Z/);

    const timelineFile = join(dir, "visit-timeline.html");
    expect((await runEvv(["report", "timeline", "--out", timelineFile], env)).stdout).toBe(`wrote the visit timeline to ${timelineFile}\n`);
    expect(readFileSync(timelineFile, "utf8")).toContain("<b>DEVICE_NOT_AT_LOCATION</b> The device that answered was not assigned to the client&#39;s service location at that time.");

    const recordsFile = join(dir, "evv-records.csv");
    const records = await runEvv(["export", "records", "--out", recordsFile], env);
    expect(records.stdout).toBe(`wrote 1 EVV records (CSV) to ${recordsFile}\n`);
    const claims = await runEvv(["export", "claims", "--json"], env);
    // The visit lasted under 8 minutes (UNDER_8_MINUTES): no unit, no claim line, and it says so.
    expect(JSON.parse(claims.stdout).lines).toEqual([]);
    expect(claims.stderr).toMatch(/^wrote 0 claim lines \(JSON, 0 billable units\) to standard output$/m);
    const summary = await runEvv(["report", "summary"], env);
    expect(summary.stdout).toMatch(/^last verification: run 1 at \w{3} \d{4}-\d\d-\d\d \d\d:\d\d \S+, 2 visits$/m);
  });

  it("an old board spelling is read with a note saying the name to use", async () => {
    const run = await runEvv(["device", "provision", "--serial", join(dir, "no-such-port"), "--board", "pixl-js"], env);
    expect(run.stderr).toContain('evv: note: board "pixl-js" is now written "pixljs"; using pixljs');
    expect(run.code).toBe(4);
  });
});
