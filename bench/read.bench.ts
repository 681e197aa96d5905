// `npm run bench read`: how long a caregiver waits for a challenged reading. A real
// SimulatedDevice (dist/firmware/puckjs.js, realtime clock) behind the emulated HCI
// controller on a pseudo-terminal (unchanged noble over its UART driver) and behind the
// serial pseudo-terminal (serialport). Figures only; nothing here fails on a time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOverBle } from "../host/reader/bleRead.js";
import { readOverSerial } from "../host/reader/serialRead.js";
import { nobleOnHciUart } from "../host/transport/bluetoothAdapter.js";
import { HciExposure } from "../simulator/transports/hciExposure.js";
import { SerialExposure } from "../simulator/transports/serialExposure.js";
import { startFob } from "../test/e2e/fobUnderTest.js";
import { runEvv } from "../test/e2e/runEvv.js";

const RUNS = 9;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values: number[]) => `${Math.min(...values)}-${Math.max(...values)}`;

export default async function bench(): Promise<void> {
  const fob = await startFob(0x00be4c00, "puckjs");
  fob.device.pressButton();
  const intervalMs = fob.device.advertising()?.intervalMs ?? NaN;
  const hci = await HciExposure.open();
  hci.addDevice(fob.device, { rssi: -55 });
  const serial = await SerialExposure.open(fob.device, { baudRate: 9600 });
  try {
    const first: number[] = [];
    const chosen: number[] = [];
    const captured: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // As a caregiver does: press the fob's button, then read (a Puck.js is on air only in the read window).
      fob.device.pressButton();
      const result = await readOverBle({ scanTimeoutMs: 15000, answerTimeoutMs: 4000, connectTimeoutMs: 8000, noble: nobleOnHciUart(hci.hostPath) });
      first.push(result.timings.firstFrameMs);
      chosen.push(result.timings.chosenMs);
      captured.push(result.timings.capturedMs);
    }
    console.log(`BLE over the HCI pty, ${RUNS} reads (a press before each; Puck.js then advertises every ${intervalMs} ms; the reader connects on the first fob frame):`);
    console.log(`  scan start -> first fob frame      median ${median(first)} ms (${range(first)})   reference: up to one advertising interval, ${intervalMs} ms`);
    console.log(`  scan start -> connecting           median ${median(chosen)} ms (${range(chosen)})   reference: the first frame`);
    console.log(`  scan start -> challenged reading   median ${median(captured)} ms (${range(captured)})   reference: one advertising interval + 200 ms = ${intervalMs + 200} ms (the goal)`);

    const serialMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await readOverSerial(serial.hostPath, 9600, 4000);
      serialMs.push(Math.round(performance.now() - t0));
    }
    // CHAL request 38 bytes + answer ~75 bytes + STATUS 7 + ~60: 10 bits a byte at 9600 baud.
    const wireMs = Math.round(((38 + 75 + 7 + 60) * 10 * 1000) / 9600);
    console.log(`Serial over the pty at 9600 baud, ${RUNS} reads:`);
    console.log(`  port open -> challenged reading    median ${median(serialMs)} ms (${range(serialMs)})   reference: ${wireMs} ms of bytes on a 9600-baud wire (the exposure paces the pty at 9600 baud)`);

    const dir = mkdtempSync(join(tmpdir(), "evv-bench-"));
    fob.device.pressButton();
    const t0 = performance.now();
    const run = await runEvv(["read", "--ble", "--check-in", "--provider", "BENCH", "--client", "ND0000", "--log", join(dir, "visits.jsonl"), "--json"], {
      BLUETOOTH_HCI_SOCKET_UART_PORT: hci.hostPath,
    });
    const cliMs = Math.round(performance.now() - t0);
    rmSync(dir, { recursive: true, force: true });
    const timings = run.code === 0 ? (JSON.parse(run.stdout) as { timings: { capturedMs: number } }).timings : null;
    console.log(
      `CLI: node bin/evv.js read --ble, process start to exit ${cliMs} ms (of which scan start -> reading ${timings?.capturedMs ?? "?"} ms), exit ${run.code}` +
        (run.code === 0 ? "" : `: ${run.stderr.trim()}`),
    );
  } finally {
    await serial.close();
    await hci.close();
    await fob.stop();
  }
}
