// HHS reads a locked fob's journal (SPEC.md §9, §10 "Keyed reads"): for each page a fresh
// SYNCREQ nonce, then JOURNAL with the key holder's MAC over it; every page is checked against
// the chained tags with the device key, from the tag the device returns before it.
import { JOURNAL_EVENT_NAMES, fromHex, keyedReadMac, parseDeviceIdHex, toHex, verifyJournal, UART_JOURNAL_MAX_RECORDS, type JournalEntry } from "../../protocol/index.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import type { Keystore } from "../keystore/keystore.js";
import type { DeviceRegistry } from "../registry/deviceRegistry.js";
import { journalAnswerLine, parseAnswer, syncRequestAnswerLine } from "../transport/uartAnswers.js";
import type { ConsoleSession } from "./consoleSession.js";
import { deviceCommand } from "./deviceCommand.js";

export interface DeviceJournal {
  deviceId: string;
  /** Every record from the first asked for (or the oldest still held) to the end, each verified. */
  entries: (JournalEntry & { eventName: string })[];
}

/** Pages of one keyed read each; stops at the end of the journal. Throws when a page does not verify. */
export async function readDeviceJournal(session: ConsoleSession, options: { deviceId: string; keystore: Keystore; registry: DeviceRegistry; fromSeq: number }): Promise<DeviceJournal> {
  const record = options.registry.getDevice(options.deviceId);
  if (!record) throw new Error(`device ${options.deviceId} is not registered`);
  const numericId = parseDeviceIdHex(options.deviceId)!;
  const key = options.keystore.deviceKey(record.keyVersion, numericId);
  try {
    const entries: DeviceJournal["entries"] = [];
    let next = options.fromSeq;
    let previousTag: Uint8Array | null = null;
    for (;;) {
      const nonce = parseAnswer(syncRequestAnswerLine, "SYNCREQ", await deviceCommand(session, "SYNCREQ"));
      if (nonce.deviceId !== options.deviceId) throw new Error(`the device on this link is ${nonce.deviceId}, not ${options.deviceId}`);
      const request = `JOURNAL ${next} ${UART_JOURNAL_MAX_RECORDS}`;
      const mac = keyedReadMac(nodeSha256, key, numericId, fromHex(nonce.nonce)!, request);
      const page = parseAnswer(journalAnswerLine, "JOURNAL", await deviceCommand(session, `${request} ${toHex(mac)}`));
      if (page.count === 0) break;
      const anchor: Uint8Array = previousTag ?? fromHex(page.previousTag)!;
      const check = verifyJournal(nodeSha256, key, numericId, anchor, page.records.map((r) => fromHex(r)!));
      if (!check.ok) throw new Error(`journal record ${next + check.failedAt} of device ${options.deviceId} does not verify: altered, dropped or out of order`);
      for (const entry of check.entries) entries.push({ ...entry, eventName: JOURNAL_EVENT_NAMES[entry.event] ?? `event ${entry.event}` });
      previousTag = check.lastTag;
      next = check.entries[check.entries.length - 1].seq + 1;
    }
    return { deviceId: options.deviceId, entries };
  } finally {
    key.fill(0);
  }
}
