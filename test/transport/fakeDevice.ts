// A stand-in device for transport unit tests: the members of SimulatedDevice the transports
// use, answering STATUS, CODE and CHAL with protocol/ over both links. The end-to-end tests
// use the real SimulatedDevice running the built firmware bundle instead.
import { EventEmitter } from "node:events";
import {
  FRAME_COMPANY_ID,
  FRAME_KIND_ADVERT,
  answerChallenge,
  deriveDeviceKey,
  deviceIdHex,
  encodeFrame,
  fromHex,
  makeDisplayCode,
  stepOf,
  toHex,
  uartWords,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import type { DeviceAdvertising, TransportDevice } from "../../simulator/transports/transportDevice.js";

export const FAKE_MASTER_KEY = new Uint8Array(32).fill(7);

export class FakeDevice extends EventEmitter implements TransportDevice {
  readonly key: Uint8Array;
  private connected = false;
  private pending: { ble: string; serial: string } = { ble: "", serial: "" };
  advertisingOn = true;
  bleWrites: Uint8Array[] = [];
  /** How many times a central connected. */
  bleConnects = 0;
  /** Unset: the radio gives it an address; set with rotateAddress, it is heard at this one. */
  macAddress?: string;

  constructor(
    readonly deviceId: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
    this.key = deriveDeviceKey(nodeSha256, FAKE_MASTER_KEY, 1, deviceId);
  }

  advertising(): DeviceAdvertising | null {
    if (!this.advertisingOn || this.connected) return null;
    const step = stepOf(Math.floor(this.now() / 1000));
    const frame = encodeFrame(nodeSha256, this.key, this.deviceId, { kind: FRAME_KIND_ADVERT, step, status: 0x08 });
    return { manufacturerId: FRAME_COMPANY_ID, manufacturerData: frame, intervalMs: 100, connectable: true, nameInPacket: false };
  }

  /** Changes its own address, as the EVV firmware does every 15 minutes. */
  rotateAddress(address: string): void {
    this.macAddress = `${address} random`;
    this.emit("address", this.macAddress);
  }

  bleConnect(): void {
    this.bleConnects++;
    this.connected = true;
  }
  bleDisconnect(): void {
    this.connected = false;
    this.pending.ble = "";
  }
  bleWrite(bytes: Uint8Array): void {
    this.bleWrites.push(bytes);
    this.take("ble", bytes);
  }
  serialWrite(bytes: Uint8Array): void {
    this.take("serial", bytes);
  }

  private take(link: "ble" | "serial", bytes: Uint8Array): void {
    this.pending[link] += new TextDecoder().decode(bytes);
    let end: number;
    while ((end = this.pending[link].indexOf("\n")) >= 0) {
      const line = this.pending[link].slice(0, end);
      this.pending[link] = this.pending[link].slice(end + 1);
      const answer = this.answer(uartWords(line.trim())) + "\n";
      this.emit(link === "ble" ? "bleData" : "serialData", new TextEncoder().encode(answer));
    }
  }

  private answer(words: string[]): string {
    const time = Math.floor(this.now() / 1000);
    if (words[0] === "STATUS") return `OK STATUS ${deviceIdHex(this.deviceId)} puckjs ${time} 08 87 12 1 0.1.0`;
    if (words[0] === "CODE") {
      const step = stepOf(time);
      const frame = encodeFrame(nodeSha256, this.key, this.deviceId, { kind: FRAME_KIND_ADVERT, step, status: 0x08 });
      return `OK CODE ${makeDisplayCode(nodeSha256, this.key, this.deviceId, step, 0)} ${step} ${toHex(frame)}`;
    }
    if (words[0] === "CHAL") {
      const nonce = words[1] ? fromHex(words[1]) : null;
      if (!nonce || nonce.length !== 16) return "ERR SYNTAX nonce must be 32 hex digits";
      const a = answerChallenge(nodeSha256, this.key, this.deviceId, nonce, time, 0x08, 12);
      return `OK CHAL ${deviceIdHex(a.deviceId)} ${a.deviceTime} 08 ${a.journalSeq} ${toHex(a.mac)}`;
    }
    return `ERR UNKNOWN ${words[0] ?? ""}`;
  }
}
