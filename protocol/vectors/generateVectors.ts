// Writes protocol/vectors.json: known answers for every construction, computed here with
// node:crypto and Buffer code written independently of protocol/ (run: npm run vectors).
// The tests then check protocol/ against this file, so a bug in protocol/ cannot hide by
// agreeing with itself.
import { createHash, createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const hmac = (key: Buffer, msg: Buffer) => createHmac("sha256", key).update(msg).digest();
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

// NIST CAVS SHA-256 byte-oriented short messages (a selection around block boundaries).
const nistShort: Array<[string, string]> = [
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["9e", "35af2d15ebde4d67b29569ec19749e813c76f02286afc5a2a9871c2bfbdaab32"],
  ["ce56", "cb8f96c222056053967f74a93fb0ed4088f25ab4cc0358aa80bc1e1428e9fb0e"],
  ["0f81ba90faa9c71b", "8f35b7099e150736efb9d9675f715385c13781f75fe3cd6fb95974c8915d6f32"],
  ["b1d4b3f09f8c4645b6465e701d9df61043539b0dc6a0738694c97f0b50f51d0d", "28a71ed67523190e9eae6ed83de531ac3267739f85153a7ce787d589dcffbd6c"],
  [
    "177df9f1768f798c8ec59a1f36ed02856a62b090403090511e794d932b1867a90383856aaff60c79d4cef0ca2a33cb6130f92c5d1fc831",
    "34416b20eef5474b6602ef98fb0b5f018086805b7b2df3ef1d4635502f631642",
  ],
  [
    "08f645ff0f9a765593bd419ff60a308d3b4e70e816388577455d3c1f237ee14d7b0eb3999aef95a3a87d064138cd53dd1d360b187f11b4b3",
    "76f082a9a8e45c02a376ee1b42629cfb5db30e0ba1632f19cd28c96363f9da66",
  ],
  [
    "c3e81f34b716b165addda4fce195ba39e3a496ccf44f3746b3d0c0cef9a87a1501361b8ccc8949d4c3735a759fde5ed486635f5f7619e70be7abc300acae07",
    "2775a3f9bb46a4fda00eef650b45db52a8e8c948b6eff3b7a8206544de4f3ba0",
  ],
  [
    "3d007ab1483de3511ce9a7edc7a9610bcacac0ec6f3d7cb45de08fcc6a00a185b01bc4fee3ea6147e29e72c68b6bf2dad44392bf17e4aeb2ae147f55c02b9254",
    "b9e850d487a74e6b8e07330b7648b6c1aa84cdcc16b238c96d47613de313e2f9",
  ],
];

// FIPS 180 long examples: multi-block messages given as an ASCII pattern repeated.
const nistLong: Array<{ pattern: string; repeat: number; digest: string }> = [
  { pattern: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", repeat: 1, digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
  {
    pattern: "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    repeat: 1,
    digest: "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  },
  { pattern: "a", repeat: 1000000, digest: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
];

// RFC 4231 HMAC-SHA-256 test cases 1-7 (inputs from the RFC; case 5 is truncated to 128 bits).
const rfc4231 = [
  { key: "0b".repeat(20), data: Buffer.from("Hi There").toString("hex"), truncateTo: 32 },
  { key: Buffer.from("Jefe").toString("hex"), data: Buffer.from("what do ya want for nothing?").toString("hex"), truncateTo: 32 },
  { key: "aa".repeat(20), data: "dd".repeat(50), truncateTo: 32 },
  { key: "0102030405060708090a0b0c0d0e0f10111213141516171819", data: "cd".repeat(50), truncateTo: 32 },
  { key: "0c".repeat(20), data: Buffer.from("Test With Truncation").toString("hex"), truncateTo: 16 },
  { key: "aa".repeat(131), data: Buffer.from("Test Using Larger Than Block-Size Key - Hash Key First").toString("hex"), truncateTo: 32 },
  {
    key: "aa".repeat(131),
    data: Buffer.from(
      "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    ).toString("hex"),
    truncateTo: 32,
  },
].map((c) => ({ ...c, mac: hmac(Buffer.from(c.key, "hex"), Buffer.from(c.data, "hex")).subarray(0, c.truncateTo).toString("hex") }));

// Damm check digit, table form (independent of protocol/checkDigit.ts's string rows).
const damm = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];
const dammDigit = (digits: string) => String([...digits].reduce((i, d) => damm[i][Number(d)], 0));

const masterKey = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");
const devices = [
  { deviceId: 0x00000001, keyVersion: 1 },
  { deviceId: 0x4e440001, keyVersion: 1 },
  { deviceId: 0xfffffffe, keyVersion: 7 },
];
const deviceKey = (deviceId: number, keyVersion: number) =>
  hmac(masterKey, Buffer.concat([Buffer.from([0x4b, 0x01, keyVersion]), u32(deviceId)]));

const deviceKeys = devices.map((d) => ({ ...d, masterKey: masterKey.toString("hex"), deviceKey: deviceKey(d.deviceId, d.keyVersion).toString("hex") }));

const displayCodes = [
  { deviceIndex: 0, unixTime: 1767225600, statusDigit: 0 }, // 2026-01-01T00:00:00Z
  { deviceIndex: 1, unixTime: 1798761599, statusDigit: 1 }, // 2026-12-31T23:59:59Z
  { deviceIndex: 1, unixTime: 1785000000, statusDigit: 3 },
  { deviceIndex: 2, unixTime: 1700000000, statusDigit: 7 },
  { deviceIndex: 2, unixTime: 600, statusDigit: 0 },
].map((c) => {
  const d = devices[c.deviceIndex];
  const step = Math.floor(c.unixTime / 60);
  const mac = hmac(deviceKey(d.deviceId, d.keyVersion), Buffer.concat([Buffer.from([0x44]), u32(d.deviceId), u32(step), Buffer.from([c.statusDigit])]));
  const macDigits = Number(mac.readUIntBE(0, 6) % 1000000);
  const body = String(step % 10000).padStart(4, "0") + String(c.statusDigit) + String(macDigits).padStart(6, "0");
  return { deviceId: d.deviceId, keyVersion: d.keyVersion, step, statusDigit: c.statusDigit, code: body + dammDigit(body) };
});

const frames = [
  { deviceIndex: 0, kind: 1, step: 29453760, status: 0x08 },
  { deviceIndex: 1, kind: 1, step: 29500000, status: 0x0e },
  { deviceIndex: 1, kind: 2, step: 29500001, status: 0x08 },
  { deviceIndex: 2, kind: 1, step: 3, status: 0x01 },
].map((f) => {
  const d = devices[f.deviceIndex];
  const body = Buffer.alloc(6);
  body[0] = 0x10 | f.kind;
  body.writeUInt32BE(f.step, 1);
  body[5] = f.status;
  const mac = hmac(deviceKey(d.deviceId, d.keyVersion), Buffer.concat([Buffer.from([0x46]), u32(d.deviceId), body])).subarray(0, 18);
  return { deviceId: d.deviceId, keyVersion: d.keyVersion, kind: f.kind, step: f.step, status: f.status, frame: Buffer.concat([body, mac]).toString("hex") };
});

// NFC forms (SPEC.md section 6) of the NFC frame above: the NDEF URI record (short record,
// TNF well-known, type "U"), its payload the URI identifier code then the URI's rest.
const nfcFrame = frames.find((f) => f.kind === 2)!;
const nfcForms = [null, "https://hhs.example/app/", "https://evv.hhs.nd.gov/t?s=7"].map((tapUrl) => {
  const uri = tapUrl === null ? `evv:1/${nfcFrame.frame}` : `${tapUrl}#${nfcFrame.frame}`;
  const payload = tapUrl === null ? Buffer.concat([Buffer.from([0x00]), Buffer.from(uri, "ascii")]) : Buffer.concat([Buffer.from([0x04]), Buffer.from(uri.slice("https://".length), "ascii")]);
  const record = Buffer.concat([Buffer.from([0xd1, 0x01, payload.length, 0x55]), payload]);
  return { frame: nfcFrame.frame, tapUrl, uri, payload: payload.toString("hex"), record: record.toString("hex") };
});

const challenges = [
  { deviceIndex: 0, nonce: "00112233445566778899aabbccddeeff", deviceTime: 1767225645, status: 0x08, journalSeq: 41 },
  { deviceIndex: 1, nonce: "ffeeddccbbaa99887766554433221100", deviceTime: 1785000000, status: 0x0a, journalSeq: 70000 },
].map((c) => {
  const d = devices[c.deviceIndex];
  const msg = Buffer.concat([Buffer.from([0x43]), u32(d.deviceId), Buffer.from(c.nonce, "hex"), u32(c.deviceTime), Buffer.from([c.status]), u32(c.journalSeq)]);
  return { deviceId: d.deviceId, keyVersion: d.keyVersion, nonce: c.nonce, deviceTime: c.deviceTime, status: c.status, journalSeq: c.journalSeq, mac: hmac(deviceKey(d.deviceId, d.keyVersion), msg).subarray(0, 16).toString("hex") };
});

const timeSyncs = [
  { deviceIndex: 0, deviceNonce: "0102030405060708", newTime: 1767225600 },
  { deviceIndex: 2, deviceNonce: "a5a5a5a5a5a5a5a5", newTime: 1785000123 },
].map((s) => {
  const d = devices[s.deviceIndex];
  const msg = Buffer.concat([Buffer.from([0x54]), u32(d.deviceId), Buffer.from(s.deviceNonce, "hex"), u32(s.newTime)]);
  return { deviceId: d.deviceId, keyVersion: d.keyVersion, deviceNonce: s.deviceNonce, newTime: s.newTime, mac: hmac(deviceKey(d.deviceId, d.keyVersion), msg).subarray(0, 16).toString("hex") };
});

const keyedReads = [
  { deviceIndex: 0, deviceNonce: "0102030405060708", request: "STATUS" },
  { deviceIndex: 1, deviceNonce: "f0e1d2c3b4a59687", request: "JOURNAL 40 8" },
].map((r) => {
  const d = devices[r.deviceIndex];
  const msg = Buffer.concat([Buffer.from([0x52]), u32(d.deviceId), Buffer.from(r.deviceNonce, "hex"), Buffer.from(r.request, "ascii")]);
  return { deviceId: d.deviceId, keyVersion: d.keyVersion, deviceNonce: r.deviceNonce, request: r.request, mac: hmac(deviceKey(d.deviceId, d.keyVersion), msg).subarray(0, 16).toString("hex") };
});

// Local-time settings (SPEC.md section 8.1): 'Z' || id || nonce || offset (int16, two's complement) || rule.
const zones = [
  { deviceIndex: 0, deviceNonce: "0102030405060708", standardOffsetMinutes: -360, rule: 1 },
  { deviceIndex: 2, deviceNonce: "a5a5a5a5a5a5a5a5", standardOffsetMinutes: -420, rule: 0 },
].map((z) => {
  const d = devices[z.deviceIndex];
  const offset = Buffer.alloc(2);
  offset.writeInt16BE(z.standardOffsetMinutes, 0);
  const msg = Buffer.concat([Buffer.from([0x5a]), u32(d.deviceId), Buffer.from(z.deviceNonce, "hex"), offset, Buffer.from([z.rule])]);
  return { deviceId: d.deviceId, keyVersion: d.keyVersion, deviceNonce: z.deviceNonce, standardOffsetMinutes: z.standardOffsetMinutes, rule: z.rule, mac: hmac(deviceKey(d.deviceId, d.keyVersion), msg).subarray(0, 16).toString("hex") };
});

const journalDevice = devices[1];
const journalEntries = [
  { seq: 0, time: 0, event: 1, status: 0x01, arg: 0 },
  { seq: 1, time: 1767225600, event: 2, status: 0x00, arg: 0 },
  { seq: 2, time: 1767225700, event: 8, status: 0x00, arg: 1 },
  { seq: 3, time: 1767225720, event: 9, status: 0x08, arg: 0 },
  { seq: 4, time: 1767229000, event: 5, status: 0x0a, arg: 0 },
];
let previous = Buffer.alloc(16);
const journalRecords = journalEntries.map((e) => {
  const body = Buffer.alloc(12);
  body.writeUInt32BE(e.seq, 0);
  body.writeUInt32BE(e.time, 4);
  body[8] = e.event;
  body[9] = e.status;
  body.writeUInt16BE(e.arg, 10);
  const tag = hmac(deviceKey(journalDevice.deviceId, journalDevice.keyVersion), Buffer.concat([Buffer.from([0x4a]), u32(journalDevice.deviceId), previous, body])).subarray(0, 16);
  previous = tag;
  return { ...e, record: Buffer.concat([body, tag]).toString("hex") };
});

const vectors = {
  description: "Known-answer vectors for protocol/ (see SPEC.md). Generated by protocol/vectors/generateVectors.ts with node:crypto.",
  sha256: {
    nistShort: nistShort.map(([message, digest]) => ({ message, digest, nodeCrypto: createHash("sha256").update(Buffer.from(message, "hex")).digest("hex") })),
    nistLong: nistLong.map((l) => ({ ...l, nodeCrypto: createHash("sha256").update(l.pattern.repeat(l.repeat)).digest("hex") })),
  },
  hmacSha256Rfc4231: rfc4231,
  deviceKeys,
  displayCodes,
  frames,
  nfcForms,
  challenges,
  timeSyncs,
  keyedReads,
  zones,
  journal: { deviceId: journalDevice.deviceId, keyVersion: journalDevice.keyVersion, anchor: "00".repeat(16), records: journalRecords },
};

for (const v of vectors.sha256.nistShort) if (v.digest !== v.nodeCrypto) throw new Error(`NIST vector disagrees with node:crypto: ${v.message}`);
for (const v of vectors.sha256.nistLong) if (v.digest !== v.nodeCrypto) throw new Error(`NIST long vector disagrees with node:crypto`);

const target = fileURLToPath(new URL("../vectors.json", import.meta.url));
writeFileSync(target, JSON.stringify(vectors, null, 2) + "\n");
console.log(`wrote ${target}`);
