// Challenge-response: proves the device answered a reader's fresh nonce (live presence).
//   request:  16-byte nonce chosen by the reader
//   answer:   deviceId u32, device time u32 (Unix seconds), status u8, journal seq u32,
//             MAC = first 16 bytes of HMAC(K_dev, 'C' || deviceId || nonce || time || status || seq)
import type { HashFunction } from "./hashFunction.js";
import { hmacSha256, truncatedMac } from "./hmac.js";
import { concatBytes, copyBytesInto, prefixEquals, readU32be, sliceBytes, u32be, writeU32be } from "./bytes.js";
import { DOMAIN_CHALLENGE } from "./domains.js";

export const CHALLENGE_NONCE_LENGTH = 16;
export const CHALLENGE_MAC_LENGTH = 16;
/** Binary answer as sent over NFC: 0xC2, deviceId, time, status, seq, MAC. */
export const CHALLENGE_ANSWER_LENGTH = 1 + 4 + 4 + 1 + 4 + CHALLENGE_MAC_LENGTH;
export const NFC_CHALLENGE_REQUEST_TAG = 0xc1;
export const NFC_CHALLENGE_ANSWER_TAG = 0xc2;

export interface ChallengeAnswer {
  deviceId: number;
  deviceTime: number;
  status: number;
  journalSeq: number;
  mac: Uint8Array;
}

function challengeMessage(nonce: Uint8Array, deviceId: number, deviceTime: number, status: number, journalSeq: number): Uint8Array {
  const message = new Uint8Array(1 + 4 + CHALLENGE_NONCE_LENGTH + 4 + 1 + 4);
  message[0] = DOMAIN_CHALLENGE;
  writeU32be(message, 1, deviceId);
  copyBytesInto(message, 5, nonce);
  writeU32be(message, 5 + CHALLENGE_NONCE_LENGTH, deviceTime);
  message[9 + CHALLENGE_NONCE_LENGTH] = status & 255;
  writeU32be(message, 10 + CHALLENGE_NONCE_LENGTH, journalSeq);
  return message;
}

export function answerChallenge(
  hash: HashFunction,
  deviceKey: Uint8Array,
  deviceId: number,
  nonce: Uint8Array,
  deviceTime: number,
  status: number,
  journalSeq: number,
): ChallengeAnswer {
  if (nonce.length !== CHALLENGE_NONCE_LENGTH) throw new Error("challenge nonce must be 16 bytes");
  const mac = truncatedMac(hash, deviceKey, challengeMessage(nonce, deviceId, deviceTime, status, journalSeq), CHALLENGE_MAC_LENGTH);
  return { deviceId: deviceId, deviceTime: deviceTime, status: status, journalSeq: journalSeq, mac: mac };
}

export function challengeAnswerMatches(hash: HashFunction, deviceKey: Uint8Array, nonce: Uint8Array, answer: ChallengeAnswer): boolean {
  if (nonce.length !== CHALLENGE_NONCE_LENGTH || answer.mac.length !== CHALLENGE_MAC_LENGTH) return false;
  const expected = hmacSha256(hash, deviceKey, challengeMessage(nonce, answer.deviceId, answer.deviceTime, answer.status, answer.journalSeq));
  return prefixEquals(expected, answer.mac, 0, CHALLENGE_MAC_LENGTH);
}

export function encodeChallengeAnswer(answer: ChallengeAnswer): Uint8Array {
  return concatBytes([
    new Uint8Array([NFC_CHALLENGE_ANSWER_TAG]),
    u32be(answer.deviceId),
    u32be(answer.deviceTime),
    new Uint8Array([answer.status & 255]),
    u32be(answer.journalSeq),
    answer.mac,
  ]);
}

export function decodeChallengeAnswer(bytes: Uint8Array): ChallengeAnswer | null {
  if (bytes.length !== CHALLENGE_ANSWER_LENGTH || bytes[0] !== NFC_CHALLENGE_ANSWER_TAG) return null;
  return {
    deviceId: readU32be(bytes, 1),
    deviceTime: readU32be(bytes, 5),
    status: bytes[9],
    journalSeq: readU32be(bytes, 10),
    mac: sliceBytes(bytes, 14, CHALLENGE_ANSWER_LENGTH),
  };
}
