// A simulated board with no application (stock Espruino) and a helper to type REPL lines on it.
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import type { BoardName } from "../../firmware/build/boardFacts.js";

export function stockDevice(board: BoardName, startUnixMs = Date.UTC(2026, 0, 1)): SimulatedDevice {
  return SimulatedDevice.create({ board, clock: { startUnixMs } });
}

/** Types one line on the serial console and returns what came back. */
export function repl(device: SimulatedDevice, line: string): string {
  const out: Uint8Array[] = [];
  const collect = (b: Uint8Array) => out.push(b);
  device.on("serialData", collect);
  device.serialWrite(Buffer.from(line + "\n", "latin1"));
  device.off("serialData", collect);
  return Buffer.concat(out).toString("latin1");
}
