// One caregiver reading in the demo: over BLE (challenge through noble and the emulated HCI
// controller), over the serial console (challenge through serialport), or a code typed from
// the fob's display. The reading is built and appended exactly as `evv read` does, with the
// simulated world's clock as the reader's clock.
import { DateTime } from "luxon";
import { displayCodeProblem, groupDisplayCode } from "../protocol/index.js";
import { buildReading, type Capture } from "../host/reader/readingRecord.js";
import { appendToVisitLog } from "../host/reader/visitLog.js";
import { readOverBle } from "../host/reader/bleRead.js";
import { readOverSerial } from "../host/reader/serialRead.js";
import { nobleOnHciUart } from "../host/transport/bluetoothAdapter.js";
import { codeOnDisplay, currentBleAddress, type DemoFob, type DemoWorld } from "./demoWorld.js";
import type { PlannedReading, PlannedVisit } from "./scenario.js";

export interface ReadOutcome {
  line: string;
  /** Codes the reader refused at entry (typos), with its message. */
  refusedFirst: ReadOutcome[];
  refusal?: string;
}

export interface ReadInput {
  world: DemoWorld;
  fob: DemoFob;
  visit: PlannedVisit;
  reading: PlannedReading;
  log: string;
  photos: Map<string, string>;
}

/** Two adjacent digits swapped in the MAC part: the commonest typing slip. */
function swapDigits(code: string): string {
  for (let p = 5; p < 10; p++) if (code[p] !== code[p + 1]) return code.slice(0, p) + code[p + 1] + code[p] + code.slice(p + 2);
  return code;
}

export async function takeReading(input: ReadInput): Promise<ReadOutcome> {
  const { world, fob, visit, reading } = input;
  const when = DateTime.fromMillis(world.now().getTime(), { zone: visit.timeZone }).toFormat("ccc HH:mm ZZZZ");
  const refusedFirst: ReadOutcome[] = [];
  let capture: Capture;
  let how: string;
  if (reading.method === "typed") {
    const shown = codeOnDisplay(fob.device);
    if (shown === null) throw new Error(`the ${fob.board} at ${fob.locationId} shows no code:\n${fob.device.screenText()}`);
    if (reading.photograph) input.photos.set(reading.photograph, shown);
    const code = reading.typePhoto ? input.photos.get(reading.typePhoto)! : shown;
    if (reading.typoFirst) {
      const typo = swapDigits(code);
      const problem = displayCodeProblem(typo);
      if (problem === null) throw new Error("the check digit let a transposition through");
      refusedFirst.push({ line: `${groupDisplayCode(typo)} refused at entry: ${problem}`, refusedFirst: [], refusal: problem });
    }
    capture = { method: "typed", transport: "keyboard", typedCode: code };
    how = `typed ${groupDisplayCode(code)}${reading.typePhoto ? " (from a photo)" : ""}${reading.typoFirst ? " after a refused typo" : ""}`;
  } else if (reading.method === "serial") {
    const result = await readOverSerial(fob.serialPath!, 9600, 4000);
    capture = result.capture;
    how = `serial challenge answered by ${result.outcome.evidence.deviceId}`;
  } else {
    fob.device.pressButton(); // the caregiver presses the fob's button first: a Puck.js is on air only then
    const result = await readOverBle({
      scanTimeoutMs: 15_000,
      answerTimeoutMs: 4000,
      connectTimeoutMs: 8000,
      device: currentBleAddress(fob),
      noble: nobleOnHciUart(await world.hciPath()),
    });
    capture = result.capture;
    how = result.outcome ? `BLE challenge answered by ${result.outcome.evidence.deviceId} (RSSI ${result.choice.chosen.meanRssi.toFixed(0)} dBm)` : "BLE advertisement";
  }
  const record = buildReading(
    {
      readerId: `reader-${visit.providerNumber}`,
      providerNumber: visit.providerNumber,
      caregiverId: visit.caregiverId,
      clientNdNumber: visit.clientNdNumber,
      event: reading.event,
      tasks: reading.tasks,
    },
    capture,
    world.now(),
  );
  appendToVisitLog(input.log, record);
  return { line: `${when}  ${visit.clientNdNumber} ${visit.providerNumber}/${visit.caregiverId.padEnd(9)} ${reading.event.padEnd(9)} ${how}`, refusedFirst };
}
