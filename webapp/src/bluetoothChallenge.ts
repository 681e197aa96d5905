// The Web Bluetooth challenge (Chrome on Android and desktop): the caregiver picks the fob in the
// browser's own chooser, the app sends `CHAL <fresh nonce>` over the Nordic UART service (RX,
// written in 20-byte pieces) and takes the answer line from TX, parsed with the reader's own
// answer schema (host/transport/uartAnswers.ts) — the browser, like every reader, checks
// nothing cryptographic; the verifier does. @espruino-tools/core is not used (webapp/README.md).
import { toHex } from "../../protocol/bytes.js";
import { CHALLENGE_NONCE_LENGTH } from "../../protocol/challenge.js";
import { CMD_CHALLENGE } from "../../protocol/uartCommands.js";
import { challengeAnswerLine, parseAnswer } from "../../host/transport/uartAnswers.js";

export const NUS_SERVICE = "6e400001-b5a3-f393-e0a9-e50e24dcca9e";
export const NUS_RX = "6e400002-b5a3-f393-e0a9-e50e24dcca9e";
export const NUS_TX = "6e400003-b5a3-f393-e0a9-e50e24dcca9e";
const NUS_CHUNK = 20;
const ANSWER_TIMEOUT_MS = 8000;

export interface ChallengeEvidence {
  nonce: string;
  deviceId: string;
  deviceTime: number;
  status: number;
  journalSeq: number;
  mac: string;
}

interface GattCharacteristic extends EventTarget {
  properties: { read: boolean };
  value?: DataView;
  startNotifications(): Promise<GattCharacteristic>;
  readValue(): Promise<DataView>;
  writeValueWithoutResponse(value: Uint8Array): Promise<void>;
}
interface GattServer {
  connect(): Promise<GattServer>;
  disconnect(): void;
  getPrimaryService(uuid: string): Promise<{ getCharacteristic(uuid: string): Promise<GattCharacteristic> }>;
}
interface WebBluetooth {
  requestDevice(options: { filters: { services: string[] }[] }): Promise<{ name?: string; gatt?: GattServer }>;
}

function bluetooth(): WebBluetooth | undefined {
  return (navigator as Navigator & { bluetooth?: WebBluetooth }).bluetooth;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Challenges the fob the caregiver picks; throws an Error in plain words. */
export async function challengeFob(): Promise<ChallengeEvidence> {
  const device = await bluetooth()!.requestDevice({ filters: [{ services: [NUS_SERVICE] }] });
  if (!device.gatt) throw new Error("This fob cannot be reached by Bluetooth from this browser. Type the code instead.");
  const server = await device.gatt.connect();
  try {
    const service = await server.getPrimaryService(NUS_SERVICE);
    const rx = await service.getCharacteristic(NUS_RX);
    const tx = await service.getCharacteristic(NUS_TX);
    let received = "";
    const decoder = new TextDecoder("latin1");
    tx.addEventListener("characteristicvaluechanged", () => (received += decoder.decode(tx.value!)));
    await tx.startNotifications();
    const nonce = toHex(crypto.getRandomValues(new Uint8Array(CHALLENGE_NONCE_LENGTH)));
    const request = new TextEncoder().encode(`${CMD_CHALLENGE} ${nonce}\n`);
    for (let i = 0; i < request.length; i += NUS_CHUNK) await rx.writeValueWithoutResponse(request.slice(i, i + NUS_CHUNK));
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    while (!received.includes("\n")) {
      if (Date.now() > deadline) throw new Error("The fob did not answer. Press its button, hold the phone closer and try again, or type the code.");
      // A fob's TX only notifies; where TX can also be read (Chromium's Bluetooth emulation, which
      // cannot deliver a notification), the answer is read instead.
      if (tx.properties.read) received += decoder.decode(await tx.readValue());
      else await sleep(50);
    }
    const line = received.slice(0, received.indexOf("\n")).trim();
    return { nonce, ...parseAnswer(challengeAnswerLine, CMD_CHALLENGE, line) };
  } finally {
    server.disconnect();
  }
}
