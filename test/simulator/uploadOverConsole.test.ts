import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { ConsoleSession } from "../../host/provisioning/consoleSession.js";
import { uploadBundle, FIRMWARE_FILE } from "../../host/provisioning/bundleUpload.js";
import type { BytePipe } from "../../host/transport/deviceLink.js";
import { builtBundle } from "../firmware/firmwareHarness.js";

/** The serial console of a simulated device as the host's byte pipe. */
function serialPipe(device: SimulatedDevice): BytePipe {
  return {
    write: async (bytes) => device.serialWrite(bytes),
    onBytes: (listener) => void device.on("serialData", listener),
    onDropped: () => undefined,
    close: async () => undefined,
  };
}

describe("a stock simulated board takes the host's firmware upload", () => {
  it("stores the built bundle in .boot0 through the REPL (chunks, offsets, atob/btoa read-back) and boots into it", async () => {
    const bundle = new Uint8Array(readFileSync(await builtBundle("puckjs")));
    const device = SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: Date.UTC(2026, 10, 22, 12) } });
    const session = new ConsoleSession(serialPipe(device));
    const phases: string[] = [];
    await uploadBundle(session, bundle, (p) => phases.push(p.phase));
    expect(phases).toContain("verify");
    expect(Buffer.from(device.storage.read(FIRMWARE_FILE)!).equals(Buffer.from(bundle))).toBe(true);
    await session.sendLine("\x10E.reboot()");
    session.discardPending();
    await session.sendLine("STATUS");
    const status = await session.waitForLine((l) => l.startsWith("OK STATUS"), 1000, "status");
    expect(status).toMatch(/^OK STATUS - puckjs \d+ 01 100 0 0 /);
    expect(device.consoleDevice()).toBe("LoopbackA");
  });
});
