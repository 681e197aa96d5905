// Where the keystore passphrase comes from: --passphrase-file, else EVV_PASSPHRASE.
import { readFileSync } from "node:fs";

export function readPassphrase(passphraseFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (passphraseFile) {
    const text = readFileSync(passphraseFile, "utf8").replace(/\r?\n$/, "");
    if (text.length === 0) throw new Error(`--passphrase-file ${passphraseFile} is empty`);
    return text;
  }
  const fromEnv = env.EVV_PASSPHRASE;
  if (fromEnv) return fromEnv;
  throw new Error("the keystore passphrase is missing: set EVV_PASSPHRASE or pass --passphrase-file <path>");
}
