// Issue 14, item 5: a locked fob tells a passer-by in BLE range (or on its serial pads) nothing
// stable or personal. Unauthenticated STATUS says only the board, that it is locked and the
// firmware (all visible on the fob anyway): no device ID, clock, status bits, battery or
// journal count. JOURNAL (when caregivers came) answers only a key holder's request, keyed over
// the device's pending SYNCREQ nonce, once.
import { describe, expect, it } from "vitest";
import { fromHex, keyedReadMac, toHex, verifyJournal } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { ask, askKeyed, bootBoard, DEVICE_ID, KEY, provision } from "./firmwareHarness.js";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";

const ID_HEX = DEVICE_ID.toString(16).padStart(8, "0");

describe.each(BOARD_NAMES)("a locked %s, asked without a key", (board) => {
  it("answers STATUS with the board, locked and firmware only, over either link", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    for (let i = 0; i < 3; i++) device.pressButton(30);
    for (const link of ["ble", "serial"] as const) {
      const answer = ask(device, link, "STATUS");
      expect(answer).toMatch(new RegExp(`^OK STATUS - ${board} - - - - 1 [0-9.]+$`));
      expect(answer).not.toContain(ID_HEX);
    }
  });

  it("refuses JOURNAL, and answers a key holder's JOURNAL once (a replay finds its nonce spent)", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    device.pressButton(30);
    const plain = ask(device, "ble", "JOURNAL 0 8");
    expect(plain).toMatch(/^ERR AUTH /);
    expect(plain.split(" ").some((w) => /^[0-9a-f]{56}$/.test(w))).toBe(false);

    const nonce = fromHex(ask(device, "ble", "SYNCREQ").split(" ")[3])!;
    const keyed = `JOURNAL 0 8 ${toHex(keyedReadMac(nodeSha256, KEY, DEVICE_ID, nonce, "JOURNAL 0 8"))}`;
    const page = ask(device, "ble", keyed).split(" ");
    expect(page.slice(0, 2)).toEqual(["OK", "JOURNAL"]);
    expect(verifyJournal(nodeSha256, KEY, DEVICE_ID, fromHex(page[2])!, page.slice(4).map((w) => fromHex(w)!)).ok).toBe(true);
    expect(ask(device, "ble", keyed)).toBe("ERR AUTH no-pending-nonce");

    const wrongKey = new Uint8Array(32).fill(7);
    const nonce2 = fromHex(ask(device, "ble", "SYNCREQ").split(" ")[3])!;
    expect(ask(device, "ble", `JOURNAL 0 8 ${toHex(keyedReadMac(nodeSha256, wrongKey, DEVICE_ID, nonce2, "JOURNAL 0 8"))}`)).toBe("ERR AUTH bad-mac");
    // A MAC for another page does not open this one.
    const nonce3 = fromHex(ask(device, "ble", "SYNCREQ").split(" ")[3])!;
    expect(ask(device, "ble", `JOURNAL 0 8 ${toHex(keyedReadMac(nodeSha256, KEY, DEVICE_ID, nonce3, "JOURNAL 0 1"))}`)).toBe("ERR AUTH bad-mac");
  });

  it("gives a key holder the full STATUS, with its ID", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    expect(askKeyed(device, "serial", "STATUS")).toMatch(new RegExp(`^OK STATUS ${ID_HEX} ${board} [0-9]+ [0-9a-f]{2} [0-9]+ [0-9]+ 1 `));
  });

  it("while still unlocked (in HHS's hands) answers STATUS and JOURNAL in full", async () => {
    const device = await bootBoard(board);
    provision(device, false);
    expect(ask(device, "serial", "STATUS")).toMatch(new RegExp(`^OK STATUS ${ID_HEX} ${board} `));
    expect(ask(device, "serial", "JOURNAL 0 8")).toMatch(/^OK JOURNAL /);
  });
});
