import { describe, expect, it } from "vitest";
import { HciController } from "../../simulator/transports/hciController.js";
import { FakeDevice } from "./fakeDevice.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const command = (opcode: number, params: number[] = []) => new Uint8Array([0x01, opcode & 0xff, opcode >> 8, params.length, ...params]);

function controller() {
  const sent: string[] = [];
  const c = new HciController((bytes) => sent.push(hex(bytes)));
  return { c, sent };
}

describe("emulated HCI controller, packet by packet", () => {
  it("answers HCI_Reset with the exact Command Complete noble's UART driver waits for", () => {
    const { c, sent } = controller();
    c.fromHost(command(0x0c03));
    expect(sent).toEqual(["040e0401030c00"]);
  });

  it("reassembles commands split across UART reads", () => {
    const { c, sent } = controller();
    const bytes = command(0x1009);
    c.fromHost(bytes.slice(0, 2));
    expect(sent).toEqual([]);
    c.fromHost(bytes.slice(2));
    expect(sent).toEqual(["040e0a01091000" + "0e71da7d1a00"]);
  });

  it("refuses a command it does not implement with status 'unknown HCI command'", () => {
    const { c, sent } = controller();
    c.fromHost(command(0x0c14));
    expect(sent).toEqual(["040e0401140c01"]);
  });

  it("reports a device's advertisement as an LE Advertising Report while scanning, with the frame under company 0x0590", async () => {
    const { c, sent } = controller();
    const device = new FakeDevice(5);
    c.addDevice({ device, address: "c4:7a:10:00:00:05", rssi: -60 });
    c.fromHost(command(0x200b, [0x00, 0x12, 0x00, 0x12, 0x00, 0x00, 0x00])); // passive scan
    c.fromHost(command(0x200c, [0x01, 0x00]));
    await new Promise((resolve) => setTimeout(resolve, 250));
    c.stop();
    const reports = sent.filter((p) => p.startsWith("043e") && p.slice(6, 8) === "02");
    expect(reports.length).toBeGreaterThan(0);
    const report = reports[0];
    expect(report.slice(12, 26)).toBe("01" + "050000107ac4"); // random address, little-endian
    expect(report).toContain("1bff9005" + hex(device.advertising()!.manufacturerData).slice(0, 8));
    expect(sent.some((p) => p.startsWith("043e") && p.slice(10, 12) === "04")).toBe(false); // passive: no scan responses
  });

  it("cancels a connection attempt to an address nobody answers with LE Connection Complete 'unknown connection'", () => {
    const { c, sent } = controller();
    c.fromHost(command(0x200d, [0x60, 0, 0x30, 0, 0, 1, 0x99, 0, 0, 0, 0, 0xc4, 0, 6, 0, 0x12, 0, 0, 0, 0x2a, 0, 4, 0, 6, 0]));
    expect(sent).toEqual(["040f0400010d20"]);
    c.fromHost(command(0x200e));
    expect(sent[1]).toBe("040e04010e2000");
    expect(sent[2].startsWith("043e130102")).toBe(true);
  });
});
