// `npm run bench power`: battery life of a Puck.js on a CR2032 for a realistic day, from what
// the built firmware does on the simulator (simulator/device/powerLedger.ts) and documented
// currents (bench/powerModel.ts). The day: 8 visits, each read at check-in and check-out the
// way a caregiver does it (press the button, then read: 14 reads over BLE, each a connection
// of READ_CONNECTION_MS with CHAL and STATUS, and 2 by a phone's NFC: the tag read and the
// NFC challenge). Figures only.
import { SimulatedDevice } from "../simulator/device/simulatedDevice.js";
import { builtBundle, KEY, DEVICE_ID, ask } from "../test/firmware/firmwareHarness.js";
import { deviceIdHex, toHex } from "../protocol/index.js";
import { POWER_FIGURES, powerBudget } from "./powerModel.js";

const START = Date.UTC(2026, 10, 23, 0, 0, 30);
const HOUR = 3_600_000;
/** Check-in hours (UTC) of the day's 8 visits; each lasts 75 minutes. */
const VISIT_HOURS = [7, 8.5, 10, 11.5, 13, 14.5, 16, 17.5];
const VISIT_MS = 75 * 60_000;
/** From the press to the reader's connection, and how long the connection lasts (connect, discovery, CHAL, STATUS). */
const PRESS_TO_READ_MS = 5000;
const READ_CONNECTION_MS = 2000;
const GOAL_YEARS = 5;

function bleRead(device: SimulatedDevice, n: number): void {
  device.pressButton();
  device.advance(PRESS_TO_READ_MS);
  device.bleConnect();
  const nonce = toHex(new Uint8Array(16).map((_, i) => (i * 31 + n) & 255));
  if (!ask(device, "ble", `CHAL ${nonce}`).startsWith("OK CHAL")) throw new Error("the challenge was refused");
  ask(device, "ble", "STATUS");
  device.advance(READ_CONNECTION_MS);
  device.bleDisconnect();
}

function nfcRead(device: SimulatedDevice, n: number): void {
  device.pressButton();
  device.advance(PRESS_TO_READ_MS);
  if (device.nfcUri() === null) throw new Error("no NFC form after a press");
  const answer = device.nfcTransceive(new Uint8Array([0xc1, ...new Uint8Array(16).fill(n)]));
  if (!(answer instanceof Uint8Array)) throw new Error("the NFC challenge was refused");
}

export default async function powerBench(): Promise<void> {
  const device = SimulatedDevice.create({ board: "puckjs", bundlePath: await builtBundle("puckjs"), clock: { startUnixMs: START }, addressSeed: "power" });
  for (const line of [`PROV ID ${deviceIdHex(DEVICE_ID)}`, `PROV KEY 3 ${toHex(KEY)}`, `PROV CLOCK ${START / 1000}`, "PROV LOCK"])
    if (!ask(device, "serial", line).startsWith("OK")) throw new Error(`${line} refused`);
  device.advance(HOUR);
  device.resetPowerCounts();
  const dayStart = device.worldNowMs();
  let reads = 0;
  for (const hour of VISIT_HOURS) {
    for (const at of [hour * HOUR, hour * HOUR + VISIT_MS]) {
      device.advance(dayStart + at - device.worldNowMs());
      reads++;
      // Two of the day's sixteen reads are by a phone's NFC, the rest over BLE.
      if (reads === 5 || reads === 12) nfcRead(device, reads);
      else bleRead(device, reads);
    }
  }
  device.advance(dayStart + 24 * HOUR - device.worldNowMs());
  const counts = device.powerCounts();
  device.stop();
  const { lines, totalUa, years } = powerBudget(counts);
  const goalUa = (POWER_FIGURES.batteryMah * 1000) / (GOAL_YEARS * 365.25 * 24);
  console.log(`Puck.js v2 on a ${POWER_FIGURES.batteryMah} mAh CR2032, one simulated day: 8 visits, 16 reads after a button press (14 BLE, 2 NFC), the built firmware`);
  for (const line of lines) console.log(`  ${line.what.padEnd(30)} ${line.ua.toFixed(2).padStart(6)} uA   ${line.detail}`);
  console.log(`  ${"average".padEnd(30)} ${totalUa.toFixed(2).padStart(6)} uA   battery life ${years.toFixed(1)} years   reference: ${GOAL_YEARS} years needs at most ${goalUa.toFixed(2)} uA`);
  // The least certain figure is the interpreter's speed on the nRF52832 (scaled from a Linux build).
  const slower = powerBudget(counts, { ...POWER_FIGURES, wakeMs: POWER_FIGURES.wakeMs * 2, hmacMs: POWER_FIGURES.hmacMs * 2 });
  const faster = powerBudget(counts, { ...POWER_FIGURES, wakeMs: POWER_FIGURES.wakeMs / 2, hmacMs: POWER_FIGURES.hmacMs / 2 });
  console.log(`  sensitivity: JavaScript twice as slow ${slower.totalUa.toFixed(2)} uA, ${slower.years.toFixed(1)} years; twice as fast ${faster.totalUa.toFixed(2)} uA, ${faster.years.toFixed(1)} years`);
}
