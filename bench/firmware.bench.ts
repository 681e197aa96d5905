// Firmware on the simulator: wall time for one simulated device-day (1,440 rotations; 96 quarter-hour wake-ups on Puck.js) per
// board, each bundle's size against the board's Storage, the estimated JsVars against the
// board's budget, and the flash a day of journaling costs. Figures only.
import { statSync } from "node:fs";
import { BOARD_FACTS, BOARD_NAMES, type BoardName } from "../firmware/build/boardFacts.js";
import { SimulatedDevice } from "../simulator/device/simulatedDevice.js";
import { builtBundle, KEY, DEVICE_ID, ask } from "../test/firmware/firmwareHarness.js";
import { deviceIdHex, toHex } from "../protocol/index.js";

const DAY_MS = 86_400_000;
/** Issue 13: the peak at most 40% of the board's JsVars (1,050 of 2,630 on Puck.js), measured on the real interpreter (firmware/README.md "Memory"). */
const JSVAR_GOAL_SHARE = 0.4;
const START = Date.UTC(2026, 10, 22, 0, 0, 30);

/** Provisioned and, unless `lock` is false, locked (a locked STATUS shows no journal seq). */
async function provisionedDevice(board: BoardName, lock = true): Promise<SimulatedDevice> {
  const device = SimulatedDevice.create({ board, bundlePath: await builtBundle(board), clock: { startUnixMs: START }, addressSeed: "bench" });
  for (const line of [`PROV ID ${deviceIdHex(DEVICE_ID)}`, `PROV KEY 3 ${toHex(KEY)}`, `PROV CLOCK ${START / 1000}`, ...(lock ? ["PROV LOCK"] : [])])
    if (!ask(device, "serial", line).startsWith("OK")) throw new Error(`${board}: ${line} refused`);
  return device;
}

export default async function firmwareBench(): Promise<void> {
  console.log("board      bundle bytes / Storage      device-day (1,440 rotations), 3 runs                 JsVars est. peak / budget          journal flash per busy day");
  for (const board of BOARD_NAMES) {
    const facts = BOARD_FACTS[board];
    const bytes = statSync(await builtBundle(board)).size;
    // Three device-days on fresh devices: the best and the median (the machine is shared).
    const times: number[] = [];
    let rotations = 0;
    let quiet: SimulatedDevice | null = null;
    for (let run = 0; run < 3; run++) {
      quiet = await provisionedDevice(board);
      rotations = 0;
      // A provisioned Puck.js is off air between reads: its rotations are its wake-ups (quarter-hours).
      quiet.resetPowerCounts();
      const t0 = performance.now();
      quiet.advance(DAY_MS);
      times.push(performance.now() - t0);
      rotations = quiet.powerCounts().wakeUps;
    }
    times.sort((a, b) => a - b);

    // A busy day: 8 visits (2 button presses and 2 challenges each), a battery-low crossing
    // (left unlocked, so that STATUS shows the journal seq).
    const busy = await provisionedDevice(board, false);
    const programmedBefore = busy.storage.wear.bytesProgrammed;
    const seqBefore = Number(ask(busy, "serial", "STATUS").split(" ")[7]);
    for (let hour = 0; hour < 24; hour++) {
      if (hour >= 8 && hour < 16) {
        busy.pressButton(100);
        ask(busy, "ble", "CHAL " + "11".repeat(16));
        busy.bleDisconnect();
        busy.advance(30 * 60_000);
        busy.pressButton(100);
        ask(busy, "ble", "CHAL " + "22".repeat(16));
        busy.bleDisconnect();
        busy.advance(30 * 60_000);
      } else {
        if (hour === 20) busy.setBattery(12);
        busy.advance(3_600_000);
      }
    }
    const records = Number(ask(busy, "serial", "STATUS").split(" ")[7]) - seqBefore;
    const programmed = busy.storage.wear.bytesProgrammed - programmedBefore;
    const peak = Math.max(quiet!.jsVarsPeak(), busy.jsVarsPeak());
    console.log(
      `${board.padEnd(10)} ${String(bytes).padStart(6)} / ${String(facts.storageBytes).padEnd(8)} (${((100 * bytes) / facts.storageBytes).toFixed(1)}%)` +
        `   best ${times[0].toFixed(0).padStart(4)} ms, median ${times[1].toFixed(0).padStart(4)} ms for ${rotations} wake-ups (goal < 1000 ms)` +
        `   ${String(peak).padStart(5)} / ${facts.jsVarBlocks} (${((100 * peak) / facts.jsVarBlocks).toFixed(0)}%, goal ${JSVAR_GOAL_SHARE * 100}%)` +
        `   ${records} records, ${programmed} bytes programmed, ${busy.storage.wear.compactions} compactions`,
    );
  }
}
