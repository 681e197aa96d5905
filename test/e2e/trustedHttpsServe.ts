// `evv serve` over HTTPS with its self-signed certificate, and the Chromium switch that trusts
// exactly that certificate (by the SHA-256 of its public key), so the web app runs in a secure
// context at an https URL, as a fob's tap URL must be (protocol/SPEC.md section 6).
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServe, type ServeProcess } from "./serveProcess.js";
import { TEST_PASSPHRASE, type VisitWorld } from "../host/fixtures/visitWorld.js";

export interface TrustedHttpsServe {
  serve: ServeProcess;
  /** For launchChromium: --ignore-certificate-errors-spki-list=<this certificate's key hash>. */
  chromiumTrust: string;
  /** https://127.0.0.1:<port>/app/ */
  appUrl: string;
}

export async function startTrustedHttpsServe(world: VisitWorld): Promise<TrustedHttpsServe> {
  const tlsDir = join(world.dir, "tls");
  const serve = await startServe(
    ["--host", "127.0.0.1", "--port", "0", "--self-signed", tlsDir, "--db", world.dbPath, "--keystore", world.keystorePath, "--credentials", join(world.dir, "credentials.json")],
    { EVV_PASSPHRASE: TEST_PASSPHRASE },
  );
  const cert = new X509Certificate(readFileSync(join(tlsDir, "cert.pem")));
  const spki = createHash("sha256").update(cert.publicKey.export({ type: "spki", format: "der" })).digest("base64");
  return { serve, chromiumTrust: `--ignore-certificate-errors-spki-list=${spki}`, appUrl: new URL("/app/", serve.url).href };
}
