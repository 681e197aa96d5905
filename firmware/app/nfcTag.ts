// The NFC side of the device: an NFC Forum Type 2 Tag emulated in JavaScript on the raw NFC
// link (NRF.nfcStart / NRF.on('NFCrx') / NRF.nfcSend), as Espruino's tag library would serve
// it, so that one link carries both
//  - the NFC form: an NDEF URI record, "https://<base URL>#<frame hex>" (identifier code 0x04)
//    or "evv:1/<frame hex>" (protocol/nfcForm.ts), read by any phone with READ commands
//    (0x30 <block>: 16 bytes from block*4), and
//  - the NFC challenge (protocol/SPEC.md section 6): 0xc1 || nonce(16) answered by
//    0xc2 || id || time || status || seq || mac(16).
// Any other frame gets a NAK.
import { answerChallenge, encodeChallengeAnswer, CHALLENGE_NONCE_LENGTH, NFC_CHALLENGE_REQUEST_TAG } from "../../protocol/challenge.js";
import { JOURNAL_EVENT_CHALLENGE } from "../../protocol/journal.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { clockTrusted, deviceUnixSeconds } from "./trustedClock.js";
import { frameStatus } from "./deviceStatus.js";
import { journalEvent } from "./eventJournal.js";

export const T2T_READ = 0x30;
export const NFC_NAK = 0x0;
const BLOCK_BYTES = 4;
const READ_BYTES = 16;
/** Bytes before the data area: UID and lock bytes (blocks 0-2) and the capability container (block 3). */
const HEADER_BYTES = 16;

/** The tag's memory: header, then an NDEF message TLV holding one URI record (payload: identifier code, then the URI's rest), then the terminator TLV. */
export function tagMemory(payload: Uint8Array): Uint8Array {
  const payloadLength = payload.length;
  const recordLength = 4 + payloadLength; // header, type length, payload length, type 'U'
  const dataLength = 2 + recordLength + 1; // TLV tag, TLV length, record, terminator
  const dataArea = Math.ceil(dataLength / 8) * 8;
  const memory = new Uint8Array(HEADER_BYTES + dataArea);
  memory[0] = 0x04; // NXP-style UID prefix; the radio's anticollision uses the chip's own UID
  memory[10] = 0x00;
  memory[11] = 0x00; // lock bytes: nothing locked by the tag itself; writes are NAKed anyway
  memory[12] = 0xe1; // capability container: NDEF magic number
  memory[13] = 0x10; // mapping version 1.0
  memory[14] = dataArea / 8; // data area size in 8-byte units
  memory[15] = 0x0f; // read access free, no write access
  let o = HEADER_BYTES;
  memory[o++] = 0x03; // NDEF message TLV
  memory[o++] = recordLength;
  memory[o++] = 0xd1; // MB, ME, SR, TNF well-known
  memory[o++] = 0x01; // type length
  memory[o++] = payloadLength;
  memory[o++] = 0x55; // type "U"
  for (let i = 0; i < payloadLength; i++) memory[o++] = payload[i];
  memory[o] = 0xfe; // terminator TLV
  return memory;
}

function readBlocks(memory: Uint8Array, block: number): Uint8Array {
  const out = new Uint8Array(READ_BYTES);
  const start = block * BLOCK_BYTES;
  for (let i = 0; i < READ_BYTES; i++) out[i] = memory[(start + i) % memory.length];
  return out;
}

function challengeAnswer(ctx: FirmwareContext, frame: Uint8Array): Uint8Array | number {
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (frame.length !== 1 + CHALLENGE_NONCE_LENGTH || key === null || id === null || !clockTrusted(ctx.clock)) return NFC_NAK;
  const nonce = new Uint8Array(CHALLENGE_NONCE_LENGTH);
  for (let i = 0; i < CHALLENGE_NONCE_LENGTH; i++) nonce[i] = frame[1 + i];
  const answer = answerChallenge(ctx.board.hash, key, id, nonce, deviceUnixSeconds(), frameStatus(ctx), ctx.journal.nextSeq);
  journalEvent(ctx, JOURNAL_EVENT_CHALLENGE, (nonce[0] << 8) | nonce[1]);
  return encodeChallengeAnswer(answer);
}

/** The answer to one frame from the reader: READ from the tag memory, the challenge, else NAK. */
export function nfcAnswer(ctx: FirmwareContext, memory: Uint8Array | null, frame: Uint8Array): Uint8Array | number {
  if (frame.length === 2 && frame[0] === T2T_READ && memory !== null) return readBlocks(memory, frame[1]);
  if (frame.length > 0 && frame[0] === NFC_CHALLENGE_REQUEST_TAG) return challengeAnswer(ctx, frame);
  return NFC_NAK;
}
