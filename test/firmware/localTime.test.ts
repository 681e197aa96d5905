import { describe, expect, it } from "vitest";
import { BOARD_FACTS, BOARD_NAMES } from "../../firmware/build/boardFacts.js";
import { fromHex, toHex, zoneMac, ZONE_RULE_US } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { ask, bootBoard, DEVICE_ID, KEY, provision } from "./firmwareHarness.js";

/** 2026-07-04 17:30:20 UTC: 12:30 in Chicago (CDT, UTC-5). */
const JULY_MS = Date.UTC(2026, 6, 4, 17, 30, 20);
/** 2026-12-01 17:30:20 UTC: 11:30 in Chicago (CST, UTC-6). */
const DECEMBER_MS = Date.UTC(2026, 11, 1, 17, 30, 20);

function zoneLine(nonceHex: string, offset: number, rule: string, ruleNumber: number): string {
  return `ZONE ${offset} ${rule} ${toHex(zoneMac(nodeSha256, KEY, DEVICE_ID, fromHex(nonceHex)!, offset, ruleNumber))}`;
}

function nonceOf(answer: string): string {
  return answer.split(" ")[3];
}

describe("the screen shows the local time of the service location", () => {
  for (const board of BOARD_NAMES) {
    it(`${board}: an authenticated ZONE (Central, US rule) sets local time, kept over a reboot; summer and winter both right`, async () => {
      for (const [startMs, expected] of [
        [JULY_MS, "12:30"],
        [DECEMBER_MS, "11:30"],
      ] as const) {
        const device = await bootBoard(board, { startMs });
        provision(device, true);
        if (BOARD_FACTS[board].screen !== null) expect(device.screenText()).toContain("TIME IS UTC");
        const nonce = nonceOf(ask(device, "serial", "SYNCREQ"));
        expect(ask(device, "serial", zoneLine(nonce, -360, "US", ZONE_RULE_US))).toBe("OK ZONE -360 US");
        device.reboot();
        if (BOARD_FACTS[board].screen !== null) {
          expect(device.screenText()).toContain(expected);
          expect(device.screenText()).toContain("LOCAL TIME");
        }
        expect(ask(device, "serial", "CODE")).toMatch(/^OK CODE \d{12} /);
      }
    });
  }

  it("a locked fob refuses a ZONE without a fresh nonce, with a wrong MAC, or with a replayed nonce", async () => {
    const device = await bootBoard("pixljs", { startMs: JULY_MS });
    provision(device, true);
    const nonce = nonceOf(ask(device, "serial", "SYNCREQ"));
    const good = zoneLine(nonce, -360, "US", ZONE_RULE_US);
    const wrong = zoneLine(nonce, -420, "US", ZONE_RULE_US).replace(/^ZONE -420/, "ZONE -300");
    expect(ask(device, "serial", wrong)).toBe("ERR AUTH bad-mac");
    expect(ask(device, "serial", good)).toBe("ERR AUTH no-pending-nonce");
    expect(ask(device, "serial", "ZONE 60 XX " + "00".repeat(16))).toMatch(/^ERR SYNTAX rule/);
    expect(ask(device, "serial", "ZONE 900 US " + "00".repeat(16))).toMatch(/^ERR SYNTAX offset/);
    expect(device.screenText()).toContain("TIME IS UTC");
    expect(device.screenText()).toContain("17:30");
  });

  it("with the clock not set, the display boards tell the caregiver in plain words whom to call", async () => {
    for (const board of ["pixljs", "banglejs2"] as const) {
      const device = await bootBoard(board, { startMs: JULY_MS });
      provision(device, true);
      device.powerLoss();
      const screen = device.screenText();
      expect(screen, board).toContain("CLOCK NOT SET");
      expect(screen, board).toContain("Call your agency");
      expect(screen, board).toContain("to set the time.");
      expect(screen, board).not.toMatch(/\d{4} \d{4}/);
    }
  });
});
