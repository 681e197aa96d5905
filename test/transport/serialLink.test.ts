import { afterEach, describe, expect, it } from "vitest";
import { openSerialLink } from "../../host/transport/serialLink.js";
import { challengeAnswerLine, parseAnswer, statusAnswerLine } from "../../host/transport/uartAnswers.js";
import { LinkError } from "../../host/transport/linkError.js";
import type { DeviceLink } from "../../host/transport/deviceLink.js";
import { SerialExposure } from "../../simulator/transports/serialExposure.js";
import { FakeDevice } from "./fakeDevice.js";

let exposure: SerialExposure | null = null;
let link: DeviceLink | null = null;
afterEach(async () => {
  await link?.close();
  await exposure?.close();
  link = null;
  exposure = null;
});

describe("serial link over a pseudo-terminal with the real serialport", () => {
  it("carries a STATUS request and its answer line", async () => {
    exposure = await SerialExposure.open(new FakeDevice(0x0a0b0c0d));
    link = await openSerialLink(exposure.hostPath, 9600);
    const status = parseAnswer(statusAnswerLine, "STATUS", await link.request("STATUS", 3000));
    expect(status.deviceId).toBe("0a0b0c0d");
    expect(status.board).toBe("puckjs");
    expect(status.locked).toBe(true);
  });

  it("answers a challenge with the device's id and a 16-byte MAC", async () => {
    exposure = await SerialExposure.open(new FakeDevice(0x01020304));
    link = await openSerialLink(exposure.hostPath, 9600);
    const answer = parseAnswer(challengeAnswerLine, "CHAL", await link.request("CHAL " + "ab".repeat(16), 3000));
    expect(answer.deviceId).toBe("01020304");
    expect(answer.mac).toMatch(/^[0-9a-f]{32}$/);
  });

  it("reports a line hung up mid-read as a dropped link", async () => {
    exposure = await SerialExposure.open(new FakeDevice(1), { fault: { kind: "drop", onCommand: "CHAL" } });
    link = await openSerialLink(exposure.hostPath, 9600);
    const failure = await link.request("CHAL " + "00".repeat(16), 5000).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LinkError);
    expect((failure as LinkError).fault).toBe("dropped");
  });

  it("rejects garbage bytes in place of an answer", async () => {
    exposure = await SerialExposure.open(new FakeDevice(1), { fault: { kind: "garbage", onCommand: "CHAL" } });
    link = await openSerialLink(exposure.hostPath, 9600);
    const failure = (await link.request("CHAL " + "00".repeat(16), 5000).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("garbage");
    expect(failure.message).toContain("not protocol text");
  });

  it("rejects an answer longer than the line limit as an oversized frame", async () => {
    exposure = await SerialExposure.open(new FakeDevice(1), { fault: { kind: "oversized", onCommand: "CHAL" } });
    link = await openSerialLink(exposure.hostPath, 9600);
    const failure = (await link.request("CHAL " + "00".repeat(16), 5000).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("oversized");
  });

  it("times out when the device never answers", async () => {
    const silent = new FakeDevice(1);
    silent.serialWrite = () => undefined;
    exposure = await SerialExposure.open(silent);
    link = await openSerialLink(exposure.hostPath, 9600);
    const failure = (await link.request("STATUS", 300).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("timeout");
  });

  it("cannot open a port that does not exist, and says which", async () => {
    const failure = (await openSerialLink("/dev/does-not-exist-evv", 9600).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("unavailable");
    expect(failure.message).toContain("/dev/does-not-exist-evv");
  });
});
