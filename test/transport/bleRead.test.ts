import { afterEach, describe, expect, it } from "vitest";
import { readOverBle, type BleReadOptions } from "../../host/reader/bleRead.js";
import { LinkError } from "../../host/transport/linkError.js";
import { challengeAnswerMatches, fromHex, parseDeviceIdHex, FRAME_STATUS_LOCKED, frameMatches } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { FakeDevice } from "./fakeDevice.js";
import { nobleOnUart } from "./nobleOverPty.js";

let hci: HciExposure | null = null;
afterEach(async () => {
  await hci?.close();
  hci = null;
});

const options = (port: string, extra: Partial<BleReadOptions> = {}): BleReadOptions => ({
  scanTimeoutMs: 5000,
  answerTimeoutMs: 3000,
  connectTimeoutMs: 5000,
  noble: nobleOnUart(port),
  ...extra,
});

describe("BLE read through noble and the emulated HCI controller", () => {
  it("hears the fob's frame, connects over Nordic UART and captures a challenge answer that verifies", async () => {
    const device = new FakeDevice(0x0badcafe);
    hci = await HciExposure.open();
    hci.addDevice(device, { rssi: -48 });
    const result = await readOverBle(options(hci.hostPath));
    expect(result.capture.method).toBe("challenge");
    if (result.capture.method !== "challenge") return;
    const c = result.capture.challenge;
    expect(c.deviceId).toBe("0badcafe");
    const answer = { deviceId: parseDeviceIdHex(c.deviceId)!, deviceTime: c.deviceTime, status: c.status, journalSeq: c.journalSeq, mac: fromHex(c.mac)! };
    expect(challengeAnswerMatches(nodeSha256, device.key, fromHex(c.nonce)!, answer)).toBe(true);
    expect(frameMatches(nodeSha256, device.key, device.deviceId, fromHex(result.capture.frame!)!)).toBe(true);
    expect(result.capture.rssi).toBeLessThan(-40);
    expect(result.outcome?.status?.locked).toBe(true);
    expect(result.capture.challenge.status & FRAME_STATUS_LOCKED).toBeTruthy();
  });

  it("writes requests to RX in chunks of at most 20 bytes", async () => {
    const device = new FakeDevice(1);
    hci = await HciExposure.open();
    hci.addDevice(device);
    await readOverBle(options(hci.hostPath));
    expect(device.bleWrites.length).toBeGreaterThan(2);
    expect(Math.max(...device.bleWrites.map((w) => w.length))).toBeLessThanOrEqual(20);
  });

  it("connects to the first fob heard at once, and reads a stronger fob heard before the answer instead, saying why", async () => {
    hci = await HciExposure.open();
    const weak = new FakeDevice(0x0000000a);
    const strong = new FakeDevice(0x0000000b);
    strong.advertisingOn = false;
    hci.addDevice(weak, { rssi: -80, address: "c4:7a:10:00:00:0a" });
    hci.addDevice(strong, { rssi: -45, address: "c4:7a:10:00:00:0b" });
    // The weaker fob answers slowly: the stronger one advertises (every 100 ms) several times meanwhile.
    weak.bleWrite = (bytes) => void setTimeout(() => FakeDevice.prototype.bleWrite.call(weak, bytes), 400);
    const progress: string[] = [];
    // The stronger fob is first heard while the reader is already reading the weaker one.
    const onProgress = (message: string) => {
      progress.push(message);
      if (message === "connecting to c4:7a:10:00:00:0a") strong.advertisingOn = true;
    };
    const result = await readOverBle(options(hci.hostPath, { onProgress }));
    expect(progress[0]).toBe("connecting to c4:7a:10:00:00:0a");
    expect(progress.some((m) => m.startsWith("heard c4:7a:10:00:00:0b stronger than c4:7a:10:00:00:0a"))).toBe(true);
    expect(result.choice.chosen.address).toBe("c4:7a:10:00:00:0b");
    expect(result.choice.others.map((o) => o.address)).toEqual(["c4:7a:10:00:00:0a"]);
    expect(result.choice.reason).toContain("strongest signal");
    if (result.capture.method === "challenge") expect(result.capture.challenge.deviceId).toBe("0000000b");
  });

  it("with one fob in range connects on its first frame (one connection, no second listen)", async () => {
    const device = new FakeDevice(0x0000000c);
    hci = await HciExposure.open();
    hci.addDevice(device, { rssi: -50 });
    const progress: string[] = [];
    const result = await readOverBle(options(hci.hostPath, { onProgress: (m) => progress.push(m) }));
    expect(progress).toEqual([`connecting to ${result.choice.chosen.address}`]);
    expect(result.capture.method).toBe("challenge");
    expect(result.choice.reason).toContain("the only fob in range");
    expect(device.bleConnects).toBe(1);
  });

  it("reads the fob named with --device even when another is stronger", async () => {
    hci = await HciExposure.open();
    hci.addDevice(new FakeDevice(0x0000000a), { rssi: -80, address: "c4:7a:10:00:00:0a" });
    hci.addDevice(new FakeDevice(0x0000000b), { rssi: -45, address: "c4:7a:10:00:00:0b" });
    const result = await readOverBle(options(hci.hostPath, { device: "C4:7A:10:00:00:0A" }));
    expect(result.choice.chosen.address).toBe("c4:7a:10:00:00:0a");
    if (result.capture.method === "challenge") expect(result.capture.challenge.deviceId).toBe("0000000a");
  });

  it("gives up with 'not found' when the fob stops advertising", async () => {
    const device = new FakeDevice(1);
    device.advertisingOn = false;
    hci = await HciExposure.open();
    hci.addDevice(device);
    const failure = (await readOverBle(options(hci.hostPath, { scanTimeoutMs: 1500 })).catch((e: unknown) => e)) as LinkError;
    expect(failure).toBeInstanceOf(LinkError);
    expect(failure.fault).toBe("not-found");
    expect(failure.message).toContain("no fob advertisement heard within 1500 ms");
  });

  it("reports a BLE link lost mid-read as a dropped link", async () => {
    hci = await HciExposure.open();
    hci.addDevice(new FakeDevice(1));
    hci.injectFault({ kind: "drop", onCommand: "CHAL" });
    const failure = (await readOverBle(options(hci.hostPath)).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("dropped");
    expect(failure.message).toContain("0x08");
  });

  it("rejects garbage notified in place of the challenge answer", async () => {
    hci = await HciExposure.open();
    hci.addDevice(new FakeDevice(1));
    hci.injectFault({ kind: "garbage", onCommand: "CHAL" });
    const failure = (await readOverBle(options(hci.hostPath)).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("garbage");
  });

  it("rejects an oversized notified answer", async () => {
    hci = await HciExposure.open();
    hci.addDevice(new FakeDevice(1));
    hci.injectFault({ kind: "oversized", onCommand: "CHAL" });
    const failure = (await readOverBle(options(hci.hostPath)).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("oversized");
  });

  it("survives the fob changing its address between hearing it and connecting: listens again and reads it at the new address", async () => {
    const device = new FakeDevice(0x0000c0de);
    device.rotateAddress("c4:7a:10:00:00:c1");
    hci = await HciExposure.open();
    hci.addDevice(device, { rssi: -50 });
    const progress: string[] = [];
    const onProgress = (message: string) => {
      progress.push(message);
      // The quarter-hour boundary falls right as the reader connects.
      if (message === "connecting to c4:7a:10:00:00:c1") device.rotateAddress("d4:7a:10:00:00:c2");
    };
    const result = await readOverBle(options(hci.hostPath, { connectTimeoutMs: 1500, onProgress }));
    expect(result.capture.method).toBe("challenge");
    expect(result.choice.chosen.address).toBe("d4:7a:10:00:00:c2");
    if (result.capture.method === "challenge") expect(result.capture.challenge.deviceId).toBe("0000c0de");
    expect(progress.some((m) => m.includes("could not connect to c4:7a:10:00:00:c1") && m.includes("may have changed its address"))).toBe(true);
    expect(progress.at(-1)).toBe("connecting to d4:7a:10:00:00:c2");
    expect(device.bleConnects).toBe(1);
  });

  it("with --device, a fob that changed its address after the scan fails with a message saying so and what to do", async () => {
    const device = new FakeDevice(0x0000c0de);
    device.rotateAddress("c4:7a:10:00:00:c1");
    hci = await HciExposure.open();
    hci.addDevice(device);
    const onProgress = (message: string) => {
      if (message.startsWith("connecting to")) device.rotateAddress("d4:7a:10:00:00:c2");
    };
    const failure = (await readOverBle(options(hci.hostPath, { device: "c4:7a:10:00:00:c1", connectTimeoutMs: 1500, onProgress })).catch((e: unknown) => e)) as LinkError;
    expect(failure).toBeInstanceOf(LinkError);
    expect(failure.message).toContain("could not connect to c4:7a:10:00:00:c1");
    expect(failure.message).toContain("the fob may have changed its address (it does every 15 minutes); run again without --device");
  });

  it("with --device, an address no fob uses any more is not found, with the same advice", async () => {
    const device = new FakeDevice(0x0000c0de);
    device.rotateAddress("d4:7a:10:00:00:c2");
    hci = await HciExposure.open();
    hci.addDevice(device);
    const failure = (await readOverBle(options(hci.hostPath, { device: "c4:7a:10:00:00:c1", scanTimeoutMs: 1500 })).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("not-found");
    expect(failure.message).toContain("heard only d4:7a:10:00:00:c2");
    expect(failure.message).toContain("may have changed its address (it does every 15 minutes); run again without --device");
  });
});
