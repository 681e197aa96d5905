import { describe, expect, it } from "vitest";
import {
  FRAME_COMPANY_ID, FRAME_KIND_ADVERT, FRAME_KIND_NFC, FRAME_STATUS_LOCKED, NFC_CHALLENGE_REQUEST_TAG, challengeAnswerMatches, decodeChallengeAnswer, decodeFrame,
  displayCodeMatches, frameFromNfcUri, frameMatches, fromHex, groupDisplayCode, stepOf, toHex,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { ask, bootBoard, DEVICE_ID, KEY, provision } from "./firmwareHarness.js";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";

describe.each(BOARD_NAMES)("visit codes from the simulated %s running its built bundle", (board) => {
  it("answers CODE with a display code and a frame that verify with protocol/ for the current step", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    const words = ask(device, "serial", "CODE").split(" ");
    expect(words.slice(0, 2)).toEqual(["OK", "CODE"]);
    const step = stepOf(Math.floor(device.deviceNowMs() / 1000));
    expect(Number(words[3])).toBe(step);
    expect(displayCodeMatches(nodeSha256, KEY, DEVICE_ID, step, words[2])).toBe(true);
    const frame = fromHex(words[4])!;
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, frame)).toBe(true);
    expect(decodeFrame(frame)).toEqual({ kind: FRAME_KIND_ADVERT, step, status: FRAME_STATUS_LOCKED });
  });

  it("advertises a verifying frame under the Espruino company id, without its name, and rotates it at the next minute (Puck.js: in the read window a press opens)", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    if (board === "puckjs") device.pressButton();
    const first = device.advertising()!;
    expect(first.manufacturerId).toBe(FRAME_COMPANY_ID);
    expect(first.nameInPacket).toBe(false);
    expect(first.connectable).toBe(true);
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, first.manufacturerData)).toBe(true);
    device.advance(60_000);
    const next = device.advertising()!;
    expect(decodeFrame(next.manufacturerData)!.step).toBe(decodeFrame(first.manufacturerData)!.step + 1);
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, next.manufacturerData)).toBe(true);
  });

  it("answers a reader's challenge with a MAC that verifies over the reader's nonce", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    const nonce = new Uint8Array(16).map((_, i) => i * 17);
    const words = ask(device, "ble", "CHAL " + toHex(nonce)).split(" ");
    expect(words.slice(0, 3)).toEqual(["OK", "CHAL", DEVICE_ID.toString(16).padStart(8, "0")]);
    const answer = { deviceId: DEVICE_ID, deviceTime: Number(words[3]), status: parseInt(words[4], 16), journalSeq: Number(words[5]), mac: fromHex(words[6])! };
    expect(answer.deviceTime).toBe(Math.floor(device.deviceNowMs() / 1000));
    expect(challengeAnswerMatches(nodeSha256, KEY, nonce, answer)).toBe(true);
  });
});

describe("display boards", () => {
  it.each(["pixljs", "banglejs2"] as const)("%s shows the current code in large digits with battery and clock state", async (board) => {
    const device = await bootBoard(board);
    provision(device, true);
    const code = ask(device, "serial", "CODE").split(" ")[2];
    const screen = device.screenText();
    expect(screen.replace(/\s+/g, " ")).toContain(groupDisplayCode(code).split(" ").join(" "));
    expect(screen).toMatch(/BAT 100%/);
    expect(screen).toMatch(/TIME IS UTC/);
    expect(device.screenAscii()).toContain("#");
    device.advance(60_000);
    const nextCode = ask(device, "serial", "CODE").split(" ")[2];
    expect(nextCode).not.toBe(code);
    expect(device.screenText().replace(/\s+/g, "")).toContain(nextCode);
  });

  it("Pixl.js has no native SHA-256 (the firmware there runs protocol/'s portable one)", async () => {
    const { SimulatedDevice } = await import("../../simulator/device/simulatedDevice.js");
    const stock = SimulatedDevice.create({ board: "pixljs", clock: { startUnixMs: 0 } });
    const out: string[] = [];
    stock.on("serialData", (b: Uint8Array) => out.push(Buffer.from(b).toString("latin1")));
    stock.serialWrite(Buffer.from('typeof require("crypto").SHA256\n'));
    expect(out.join("")).toContain('="undefined"');
  });
});

describe.each(["puckjs", "pixljs"] as const)("NFC on %s", (board) => {
  it("answers the NFC challenge while served, with a MAC that verifies, and NAKs anything else", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    const nonce = new Uint8Array(16).map((_, i) => 200 - i);
    const request = new Uint8Array([NFC_CHALLENGE_REQUEST_TAG, ...nonce]);
    expect(device.nfcTransceive(request)).toBeNull(); // NFC is off until the button is pressed
    device.pressButton(50);
    const reply = device.nfcTransceive(request);
    expect(reply).toBeInstanceOf(Uint8Array);
    const answer = decodeChallengeAnswer(reply as Uint8Array)!;
    expect(answer.deviceId).toBe(DEVICE_ID);
    expect(answer.deviceTime).toBe(Math.floor(device.deviceNowMs() / 1000));
    expect(challengeAnswerMatches(nodeSha256, KEY, nonce, answer)).toBe(true);
    expect(device.nfcTransceive(new Uint8Array([0xa2, 4, 1, 2, 3, 4]))).toBe(0); // a WRITE: NAK
    expect(device.nfcTransceive(new Uint8Array([NFC_CHALLENGE_REQUEST_TAG, 1, 2]))).toBe(0);
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, frameFromNfcUri(device.nfcUri()!)!)).toBe(true);
  });

  it("NAKs the NFC challenge while its clock is not trusted", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    device.powerLoss();
    device.pressButton(50);
    expect(device.nfcTransceive(new Uint8Array([NFC_CHALLENGE_REQUEST_TAG, ...new Uint8Array(16)]))).toBe(0);
    expect(decodeFrame(frameFromNfcUri(device.nfcUri()!)!)!.status & 0x01).toBe(0x01);
  });
});

describe("Puck.js button", () => {
  it("serves the NFC form of the current step and blinks the green LED when pressed, then stops serving", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    expect(device.nfcUri()).toBeNull();
    const levels: number[] = [];
    device.once("nfc", () => levels.push(device.pinLevels().LED2));
    device.pressButton(50);
    expect(levels).toEqual([1]);
    const frame = frameFromNfcUri(device.nfcUri()!)!;
    expect(decodeFrame(frame)!.kind).toBe(FRAME_KIND_NFC);
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, frame)).toBe(true);
    device.advance(1000);
    expect(device.pinLevels().LED2).toBe(0);
    device.advance(120_000);
    expect(device.nfcUri()).toBeNull();
  });
});
