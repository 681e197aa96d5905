// The service's TLS certificate: the operator's own (PEM files), or, for trying it out, a
// self-signed one made once (selfsigned, EC P-256, 1 year) and kept in a directory with the key
// at 0600. Readers trust a self-signed certificate by its file (`evv reader enroll --service-ca`).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";
import { writeFileAtomic } from "../keystore/atomicWrite.js";

export interface TlsFiles {
  key: string;
  cert: string;
}

export function readTlsFiles(keyPath: string, certPath: string): TlsFiles {
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
}

/** The self-signed certificate in `dir` (cert.pem, key.pem), made for `hostnames` (and 127.0.0.1, ::1) when absent. */
export async function selfSignedTls(dir: string, hostnames: string[] = ["localhost"]): Promise<TlsFiles & { certPath: string; made: boolean }> {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) return { ...readTlsFiles(keyPath, certPath), certPath, made: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: hostnames[0] }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 86400_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [...hostnames.map((value) => ({ type: 2 as const, value })), { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  });
  writeFileAtomic(keyPath, pems.private, 0o600);
  writeFileAtomic(certPath, pems.cert, 0o644);
  return { key: pems.private, cert: pems.cert, certPath, made: true };
}
