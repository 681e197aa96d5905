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

describe("emulated HCI controller with a device that rotates its address", () => {
  const addressLe = (address: string) => address.split(":").reverse().join("");
  const createConnection = (address: string) =>
    command(0x200d, [0x60, 0, 0x30, 0, 0, 1, ...address.split(":").reverse().map((b) => parseInt(b, 16)), 0, 6, 0, 0x12, 0, 0, 0, 0x2a, 0, 4, 0, 6, 0]);
  const reportsFrom = (sent: string[], address: string) => sent.filter((p) => p.startsWith("043e") && p.slice(6, 8) === "02" && p.slice(12, 26) === "01" + addressLe(address));
  const connectionCompletes = (sent: string[]) => sent.filter((p) => p.startsWith("043e13"));
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("reports the new address after a rotation, and a connection to the old one never completes until cancelled", async () => {
    const { c, sent } = controller();
    const device = new FakeDevice(5);
    device.rotateAddress("c4:7a:10:00:00:05");
    c.addDevice({ device, address: "unused", rssi: -60 });
    c.fromHost(command(0x200b, [0x00, 0x12, 0x00, 0x12, 0x00, 0x00, 0x00]));
    c.fromHost(command(0x200c, [0x01, 0x00]));
    await wait(250);
    expect(reportsFrom(sent, "c4:7a:10:00:00:05").length).toBeGreaterThan(0);

    device.rotateAddress("d9:18:27:36:45:54");
    await wait(50); // an advertising event already under way may still carry the old address
    const afterRotation = sent.length;
    await wait(300);
    const later = sent.slice(afterRotation);
    expect(reportsFrom(later, "d9:18:27:36:45:54").length).toBeGreaterThan(0);
    expect(reportsFrom(later, "c4:7a:10:00:00:05")).toEqual([]);

    c.fromHost(createConnection("c4:7a:10:00:00:05"));
    await wait(500); // five advertising intervals: the device would have been reached at its old address
    expect(connectionCompletes(sent)).toEqual([]);
    expect(device.bleConnects).toBe(0);
    c.fromHost(command(0x200e));
    expect(connectionCompletes(sent)).toHaveLength(1);
    expect(connectionCompletes(sent)[0].slice(8, 10)).toBe("02"); // unknown connection: cancelled

    c.fromHost(createConnection("d9:18:27:36:45:54"));
    await wait(300);
    c.stop();
    expect(connectionCompletes(sent)).toHaveLength(2);
    const opened = connectionCompletes(sent)[1];
    expect(opened.slice(8, 10)).toBe("00"); // success
    expect(opened).toContain("01" + addressLe("d9:18:27:36:45:54"));
  });
});
