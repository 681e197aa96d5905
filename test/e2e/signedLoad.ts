// Load for the intake service's process tests: enrolled readers (rows written straight into the
// database: enrollment is tested elsewhere) and their signed submissions, made up front as JSON bodies.
import { randomUUID, createPrivateKey, sign } from "node:crypto";
import { openDatabase } from "../../host/storage/database.js";
import { newReaderKeyPair } from "../../host/reader/readerKeyFile.js";
import { signedBytes } from "../../host/capture/signedSubmission.js";

export interface SignedBody {
  readingId: string;
  body: string;
}

export function signedSubmissions(dbPath: string, readers: number, perReader: number): SignedBody[][] {
  const db = openDatabase(dbPath);
  const insert = db.prepare("INSERT INTO readers (reader_id, provider_number, caregiver_id, kind, public_key, enrolled_ms) VALUES (?, 'P1', ?, 'cli', ?, ?)");
  const out: SignedBody[][] = [];
  db.transaction(() => {
    for (let r = 0; r < readers; r++) {
      const pair = newReaderKeyPair();
      const id = `rdr-load-${r}`;
      insert.run(id, `cg-${r}`, JSON.stringify(pair.publicKey), Date.now());
      const key = createPrivateKey(pair.privateKeyPem);
      const list: SignedBody[] = [];
      for (let c = 1; c <= perReader; c++) {
        const reading = { readingId: randomUUID(), readerId: id, providerNumber: "P1", clientNdNumber: "C1", event: "check-in", readerTime: new Date().toISOString(), method: "typed", transport: "keyboard", typedCode: "123456789012" };
        const unsigned = { reader: id, counter: c, reading };
        list.push({ readingId: reading.readingId, body: JSON.stringify({ ...unsigned, signature: sign("sha256", signedBytes(unsigned), { key, dsaEncoding: "ieee-p1363" }).toString("base64url") }) });
      }
      out.push(list);
    }
  })();
  db.close();
  return out;
}
