// This browser as an enrolled reader: a WebCrypto ECDSA P-256 key pair made here with
// extractable: false (the private key never leaves the browser; IndexedDB keeps the CryptoKey),
// the public key registered with a one-time enrollment code, and signatures over canonical JSON
// (host/storage/canonicalJson.ts, the service's own implementation) as the service checks them.
import { canonicalJson, type JsonValue } from "../../host/storage/canonicalJson.js";
import { postJson, refusalWords } from "./serviceApi.js";
import { nextCounter, saveReader, type EnrolledReader } from "./readerStore.js";

export function webCryptoAvailable(): boolean {
  return typeof crypto !== "undefined" && crypto.subtle !== undefined && typeof indexedDB !== "undefined";
}

function base64url(bytes: ArrayBuffer): string {
  let text = "";
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i++) text += String.fromCharCode(view[i]);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function signCanonical(privateKey: CryptoKey, value: JsonValue): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(value));
  return base64url(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, bytes));
}

/** Enrolls this browser; throws an Error in plain words when the service refuses. */
export async function enrollBrowser(enrollmentCode: string): Promise<EnrolledReader> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const answer = await postJson("/v1/readers", { enrollmentCode: enrollmentCode.trim(), publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, kind: "browser" });
  if (answer.status !== 201) throw new Error(refusalWords(answer));
  const body = answer.body as { readerId: string; providerNumber: string; caregiverId: string; counter: number };
  const reader: EnrolledReader = { readerId: body.readerId, providerNumber: body.providerNumber, caregiverId: body.caregiverId, privateKey: pair.privateKey, counter: body.counter };
  await saveReader(reader);
  return reader;
}

/** The signed submission's text for POST /v1/readings, with the next counter. */
export async function signReading(reading: Record<string, JsonValue>): Promise<string> {
  const { reader, counter } = await nextCounter();
  const signed = { counter, reader: reader.readerId, reading };
  const signature = await signCanonical(reader.privateKey, signed);
  return JSON.stringify({ ...signed, signature });
}

/** The signed request for this reader's client list (host/service/routes/caregiverClientRoutes.ts). */
export async function clientListRequest(reader: EnrolledReader): Promise<{ reader: string; at: string; signature: string }> {
  const at = new Date().toISOString();
  return { reader: reader.readerId, at, signature: await signCanonical(reader.privateKey, { at, purpose: "client-list", reader: reader.readerId }) };
}
