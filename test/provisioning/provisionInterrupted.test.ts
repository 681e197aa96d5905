// A link that drops at each stage of provisioning, then a re-run on a fresh link: the result
// is always one provisioned, locked device and one registry record, and the device proves
// (challenge-response) that it holds the key the registry's key version derives, and its NFC
// tap opens the base URL it was given.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { ConsoleSession } from "../../host/provisioning/consoleSession.js";
import { provisionDevice } from "../../host/provisioning/provisionDevice.js";
import type { FirmwareBundle } from "../../host/provisioning/firmwareBundle.js";
import { Keystore } from "../../host/keystore/keystore.js";
import { openDatabase } from "../../host/storage/database.js";
import { DeviceRegistry } from "../../host/registry/deviceRegistry.js";
import type { BytePipe } from "../../host/transport/deviceLink.js";
import { LinkError } from "../../host/transport/linkError.js";
import { bundlePath, realtimeClockStart } from "../e2e/fobUnderTest.js";
import { challengeAnswerMatches, deriveDeviceKey, fromHex, toHex } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { deviceCommand } from "../../host/provisioning/deviceCommand.js";
import { challengeAnswerLine, parseAnswer, statusAnswerLine } from "../../host/transport/uartAnswers.js";

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const TAP_URL = "https://hhs.example/app/";

/**
 * A byte pipe to a simulated device's serial console that drops, like a pulled cable, right
 * after the device has been handed the first request line that `dropAfter` matches: the
 * device acts on it, the host never sees the answer.
 */
function serialPipe(device: SimulatedDevice, dropAfter: ((line: string) => boolean) | null): BytePipe {
  let byteListeners: Array<(bytes: Uint8Array) => void> = [];
  const dropListeners: Array<(reason: string) => void> = [];
  let open = true;
  let pending = "";
  const fromDevice = (bytes: Uint8Array) => {
    if (open) for (const l of byteListeners) l(bytes);
  };
  device.on("serialData", fromDevice);
  const hangUp = (reason: string) => {
    if (!open) return;
    open = false;
    device.off("serialData", fromDevice);
    byteListeners = [];
    for (const l of dropListeners) l(reason);
  };
  return {
    async write(bytes) {
      if (!open) throw new Error("the cable is out");
      pending += Buffer.from(bytes).toString("latin1");
      let end = pending.indexOf("\n");
      while (end >= 0 && open) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (dropAfter && dropAfter(line)) {
          // The device gets the line and acts on it; its answer is lost with the cable.
          device.off("serialData", fromDevice);
          device.serialWrite(Buffer.from(line + "\n", "latin1"));
          hangUp("cable pulled");
        } else {
          device.serialWrite(Buffer.from(line + "\n", "latin1"));
        }
        end = pending.indexOf("\n");
      }
    },
    onBytes: (l) => byteListeners.push(l),
    onDropped: (l) => dropListeners.push(l),
    async close() {
      open = false;
      device.off("serialData", fromDevice);
    },
  };
}

let nth = 0;
const stages: Array<[string, (line: string) => boolean]> = [
  ["erasing the old firmware file", (l) => l.includes(".erase(")],
  ["writing the first chunk", (l) => l.includes(".write(") && l.includes(",0,")],
  ["writing a middle chunk", (l) => l.includes(".write(") && ++nth === 20],
  ["reading back the first chunk", (l) => l.includes("btoa(")],
  ["rebooting into the new firmware", (l) => l.includes("E.reboot()")],
  ["writing the device ID", (l) => l.startsWith("PROV ID")],
  ["writing the key", (l) => l.startsWith("PROV KEY")],
  ["setting the clock", (l) => l.startsWith("PROV CLOCK")],
  ["writing the NFC tap's base URL", (l) => l.startsWith("PROV URL")],
  ["locking", (l) => l.startsWith("PROV LOCK")],
  ["proving the key after lockdown, before the registry record", (l) => l.startsWith("CHAL")],
];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Each world lives about a second and talks over serial only, where its BLE address plays no part. */
const WORLD_LIFETIME_MS = 10_000;

async function world() {
  const dir = mkdtempSync(join(tmpdir(), "evv-interrupt-"));
  const keystore = Keystore.create(join(dir, "keystore.json"), "interrupted provisioning", FAST_SCRYPT);
  const db = openDatabase(join(dir, "evv.db"));
  const device = SimulatedDevice.create({ board: "puckjs", clock: { startUnixMs: await realtimeClockStart(WORLD_LIFETIME_MS), mode: "realtime" } });
  device.runRealtime();
  cleanups.push(() => {
    device.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const bundle: FirmwareBundle = { board: "puckjs", version: "0.1.0", code: new Uint8Array(readFileSync(bundlePath("puckjs"))) };
  return { keystore, registry: new DeviceRegistry(db), device, bundle };
}

function run(w: Awaited<ReturnType<typeof world>>, dropAfter: ((line: string) => boolean) | null) {
  const session = new ConsoleSession(serialPipe(w.device, dropAfter));
  return provisionDevice(session, {
    link: "serial",
    bundle: w.bundle,
    keystore: w.keystore,
    registry: w.registry,
    tapUrl: TAP_URL,
    now: () => new Date(),
    onStep: () => undefined,
    onUpload: () => undefined,
  }).finally(() => session.close());
}

describe("provisioning interrupted by a dropped link", () => {
  it.each(stages)("ends in one locked device and one registry record when the link drops while %s and the command runs again", async (_stage, dropAfter) => {
    nth = 0;
    const w = await world();
    const interrupted = await run(w, dropAfter).then(
      () => null,
      (error: unknown) => error,
    );
    expect(interrupted).toBeInstanceOf(LinkError);
    expect((interrupted as LinkError).fault).toBe("dropped");

    const result = await run(w, null);
    expect(result.deviceId).toBe("00000001");
    const devices = w.registry.listDevices();
    expect(devices.map((d) => d.deviceId)).toEqual(["00000001"]);

    const session = new ConsoleSession(serialPipe(w.device, null));
    cleanups.push(() => session.close());
    const status = parseAnswer(statusAnswerLine, "STATUS", await deviceCommand(session, "STATUS"));
    expect(status.locked).toBe(true);
    expect(status.deviceId).toBeNull(); // a locked fob's STATUS does not name it; its challenge answer does
    const nonce = new Uint8Array(randomBytes(16));
    const answer = parseAnswer(challengeAnswerLine, "CHAL", await deviceCommand(session, `CHAL ${toHex(nonce)}`));
    expect(answer.deviceId).toBe("00000001");
    const key = deriveDeviceKey(nodeSha256, w.keystore.masterKey(devices[0].keyVersion), devices[0].keyVersion, 1);
    expect(challengeAnswerMatches(nodeSha256, key, nonce, { ...answer, deviceId: 1, mac: fromHex(answer.mac)! })).toBe(true);

    // The NFC tap opens the service's web app with the fob's frame.
    w.device.pressButton(50);
    expect(w.device.nfcUri()).toMatch(/^https:\/\/hhs\.example\/app\/#12[0-9a-f]{46}$/);

    const third = await run(w, null);
    expect(third.alreadyProvisioned).toBe(true);
    expect(w.registry.listDevices()).toHaveLength(1);
  });
});
