// What a phone does when it touches a tag served on the raw NFC link: NFC Forum Type 2 Tag
// READ commands (0x30 <block>, 16 bytes back), the capability container at block 3, then the
// NDEF message TLV, and the URI of its first record. Used by SimulatedDevice.nfcUri() when the
// firmware emulates the tag itself (NRF.nfcStart).

/** URI identifier codes of the NDEF URI record type (the common ones). */
const URI_PREFIXES: Record<number, string> = { 0: "", 1: "http://www.", 2: "https://www.", 3: "http://", 4: "https://" };

export type NfcTransceive = (command: Uint8Array) => Uint8Array | number | null;

function read(transceive: NfcTransceive, block: number): Uint8Array {
  const answer = transceive(new Uint8Array([0x30, block & 255]));
  if (!(answer instanceof Uint8Array) || answer.length !== 16) throw new Error(`the tag did not answer READ ${block} with 16 bytes`);
  return answer;
}

/** Reads the tag and returns the URI of its NDEF URI record; throws when the tag does not hold one. */
export function readType2TagUri(transceive: NfcTransceive): string {
  const header = read(transceive, 0);
  if (header[12] !== 0xe1) throw new Error("no NDEF capability container in block 3");
  const dataBytes = header[14] * 8;
  const data = new Uint8Array(dataBytes);
  for (let offset = 0; offset < dataBytes; offset += 16) data.set(read(transceive, 4 + offset / 4).subarray(0, Math.min(16, dataBytes - offset)), offset);
  let o = 0;
  while (o < data.length && data[o] !== 0x03) {
    if (data[o] === 0xfe) throw new Error("no NDEF message on the tag");
    o += data[o] === 0x00 ? 1 : 2 + data[o + 1];
  }
  if (o >= data.length) throw new Error("no NDEF message on the tag");
  const record = data.subarray(o + 2, o + 2 + data[o + 1]);
  const shortRecord = (record[0] & 0x10) !== 0;
  const typeLength = record[1];
  const payloadLength = shortRecord ? record[2] : (record[2] << 24) | (record[3] << 16) | (record[4] << 8) | record[5];
  const typeStart = shortRecord ? 3 : 6;
  if ((record[0] & 7) !== 1 || typeLength !== 1 || record[typeStart] !== 0x55) throw new Error("the tag's first NDEF record is not a URI");
  const payload = record.subarray(typeStart + 1, typeStart + 1 + payloadLength);
  return (URI_PREFIXES[payload[0]] ?? "") + Buffer.from(payload.subarray(1)).toString("latin1");
}
