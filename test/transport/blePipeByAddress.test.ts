import { afterEach, describe, expect, it, vi } from "vitest";
import { openBlePipeByAddress } from "../../host/transport/blePipeByAddress.js";
import { LineLink } from "../../host/transport/lineLink.js";
import { LinkError } from "../../host/transport/linkError.js";
import { journalAnswerLine, parseAnswer, syncRequestAnswerLine } from "../../host/transport/uartAnswers.js";
import { HciExposure } from "../../simulator/transports/hciExposure.js";
import { ROTATION_WAIT_ALLOWANCE_MS, startFob, type FobUnderTest } from "../e2e/fobUnderTest.js";
import { nobleOnUart } from "./nobleOverPty.js";
import { fromHex, keyedReadMac, toHex } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

// startFob may wait for a quarter-hour boundary to pass (the fob's address rotation).
vi.setConfig({ testTimeout: 60_000 + ROTATION_WAIT_ALLOWANCE_MS });

let hci: HciExposure | null = null;
let fob: FobUnderTest | null = null;
afterEach(async () => {
  await hci?.close();
  await fob?.stop();
  hci = null;
  fob = null;
});

describe("Nordic UART pipe to a fob by its address (journal pull and time sync over BLE)", () => {
  it("pulls a journal page and a sync nonce from the real firmware over BLE", async () => {
    fob = await startFob(0x00001234, "puckjs");
    hci = await HciExposure.open();
    const address = hci.addDevice(fob.device, { rssi: -50 });
    fob.device.pressButton(); // a provisioned Puck.js is on air only after a press
    const link = new LineLink("ble", address, await openBlePipeByAddress(address.toUpperCase(), { noble: nobleOnUart(hci.hostPath) }));
    try {
      const sync = parseAnswer(syncRequestAnswerLine, "SYNCREQ", await link.request("SYNCREQ", 4000));
      expect(sync.deviceId).toBe("00001234");
      expect(sync.nonce).toMatch(/^[0-9a-f]{16}$/);
      // The fob is locked: its journal answers a key holder's request, keyed over that nonce.
      const mac = toHex(keyedReadMac(nodeSha256, fob.key, 0x1234, fromHex(sync.nonce)!, "JOURNAL 0 8"));
      const page = parseAnswer(journalAnswerLine, "JOURNAL", await link.request(`JOURNAL 0 8 ${mac}`, 4000));
      expect(page.count).toBeGreaterThan(0);
      expect(page.records).toHaveLength(page.count);
    } finally {
      await link.close();
    }
  });

  it("says which address did not advertise", async () => {
    hci = await HciExposure.open();
    const failure = (await openBlePipeByAddress("c4:00:00:00:00:99", { noble: nobleOnUart(hci.hostPath), scanTimeoutMs: 800 }).catch((e: unknown) => e)) as LinkError;
    expect(failure.fault).toBe("not-found");
    expect(failure.message).toContain("c4:00:00:00:00:99");
  });
});
