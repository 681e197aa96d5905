import { describe, expect, it } from "vitest";
import {
  DISPLAY_STATUS_BATTERY_LOW, DISPLAY_STATUS_MOVED, FRAME_STATUS_BATTERY_LOW, FRAME_STATUS_MOVED, JOURNAL_EVENT_BATTERY_LOW,
  JOURNAL_EVENT_BOOT, JOURNAL_EVENT_BUTTON, JOURNAL_EVENT_MOVED, decodeFrame, displayCodeFields, fromHex, verifyJournal, type JournalEntry,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { ask, askKeyed, bootBoard, DEVICE_ID, KEY, provision } from "./firmwareHarness.js";
import type { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";

/** Pulls the journal from fromSeq to the end, 8 at a time, verifying the chain as the verifier would. */
function pullJournal(device: SimulatedDevice, fromSeq: number): { ok: boolean; entries: JournalEntry[] } {
  const entries: JournalEntry[] = [];
  let next = fromSeq;
  let previous: Uint8Array | null = null;
  for (;;) {
    const words = askKeyed(device, "serial", `JOURNAL ${next} 8`).split(" ");
    const records = words.slice(4).map((w) => fromHex(w)!);
    if (records.length === 0) break;
    const anchor = previous ?? fromHex(words[2])!;
    const check = verifyJournal(nodeSha256, KEY, DEVICE_ID, anchor, records);
    if (!check.ok) return { ok: false, entries };
    entries.push(...check.entries);
    previous = check.lastTag;
    next = check.entries[check.entries.length - 1].seq + 1;
  }
  return { ok: true, entries };
}

describe("the journal ring", () => {
  it("survives reboots and power loss, stays a verifiable chain, and is bounded with an anchor after eviction", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    // One button record per minute (presses are journaled at most once per step).
    for (let i = 0; i < 140; i++) {
      device.pressButton(30);
      device.pressButton(30);
      device.advance(60_000);
      if (i === 50) device.reboot();
    }
    const status = askKeyed(device, "serial", "STATUS").split(" ");
    const nextSeq = Number(status[7]);
    expect(nextSeq).toBeGreaterThan(140);
    const pulled = pullJournal(device, 0);
    expect(pulled.ok).toBe(true);
    // Bounded: 4 segments of 32, the oldest evicted; the pull starts at the oldest held record.
    expect(pulled.entries.length).toBeLessThanOrEqual(128);
    expect(pulled.entries.length).toBeGreaterThan(96);
    expect(pulled.entries[0].seq).toBeGreaterThan(0);
    expect(pulled.entries[pulled.entries.length - 1].seq).toBe(nextSeq - 1);
    expect(pulled.entries.filter((e) => e.event === JOURNAL_EVENT_BUTTON).length).toBeGreaterThan(90);
    expect(pulled.entries.some((e) => e.event === JOURNAL_EVENT_BOOT)).toBe(true);
    // A pull from the middle verifies from the tag the device returns.
    const middle = pullJournal(device, nextSeq - 10);
    expect(middle.ok).toBe(true);
    expect(middle.entries.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => nextSeq - 10 + i));
    // Power loss keeps it.
    device.powerLoss();
    expect(Number(askKeyed(device, "serial", "STATUS").split(" ")[7])).toBeGreaterThan(nextSeq);
    expect(pullJournal(device, nextSeq - 3).ok).toBe(true);
  });

  it("appends without rewriting flash: 140 records cost no compaction on a Puck.js", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    const before = device.storage.wear.compactions;
    for (let i = 0; i < 140; i++) {
      device.pressButton(30);
      device.advance(60_000);
    }
    expect(device.storage.wear.compactions).toBe(before);
    expect(device.uncaughtErrors).toEqual([]);
  });
});

describe("battery and motion", () => {
  it("battery low sets the status bits of frames and codes and is journaled once", async () => {
    const device = await bootBoard("pixljs");
    provision(device, true);
    device.setBattery(12);
    device.advance(60_000);
    const frame = decodeFrame(device.advertising()!.manufacturerData)!;
    expect(frame.status & FRAME_STATUS_BATTERY_LOW).toBe(FRAME_STATUS_BATTERY_LOW);
    const code = ask(device, "serial", "CODE").split(" ")[2];
    expect(displayCodeFields(code).statusDigit & DISPLAY_STATUS_BATTERY_LOW).toBe(DISPLAY_STATUS_BATTERY_LOW);
    expect(device.screenText()).toContain("BAT 12% LOW");
    device.advance(10 * 60_000);
    const lows = pullJournal(device, 0).entries.filter((e) => e.event === JOURNAL_EVENT_BATTERY_LOW);
    expect(lows.map((e) => e.arg)).toEqual([12]);
  });

  it.each(["puckjs", "banglejs2"] as const)("moving a %s sets the MOVED bits by the next read (Puck.js checks at a press), journals the episode once, and clears after an hour", async (board) => {
    const device = await bootBoard(board);
    provision(device, true);
    device.move();
    // Puck.js reads its accelerometer once per wake-up (a press, a connection, each quarter-hour).
    if (board === "puckjs") device.pressButton();
    expect(decodeFrame(device.advertising()!.manufacturerData)!.status & FRAME_STATUS_MOVED).toBe(FRAME_STATUS_MOVED);
    expect(displayCodeFields(ask(device, "serial", "CODE").split(" ")[2]).statusDigit & DISPLAY_STATUS_MOVED).toBe(DISPLAY_STATUS_MOVED);
    device.advance(5 * 60_000);
    device.move();
    if (board === "puckjs") device.pressButton();
    expect(pullJournal(device, 0).entries.filter((e) => e.event === JOURNAL_EVENT_MOVED)).toHaveLength(1);
    // Puck.js clears it at the first quarter-hour wake after the hour.
    device.advance((board === "puckjs" ? 76 : 61) * 60_000);
    if (board === "puckjs") device.pressButton();
    expect(decodeFrame(device.advertising()!.manufacturerData)!.status & FRAME_STATUS_MOVED).toBe(0);
  });
});
