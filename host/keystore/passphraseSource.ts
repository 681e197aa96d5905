// Where the keystore passphrase comes from: --passphrase-file (preferred: a file of mode 0600
// only its owner reads), else EVV_PASSPHRASE (discouraged: a process's environment can be read
// in /proc/<pid>/environ by the same user and by root, and it is inherited by every child).
import { readFileSync } from "node:fs";

export function readPassphrase(passphraseFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (passphraseFile) {
    const text = readFileSync(passphraseFile, "utf8").replace(/\r?\n$/, "");
    if (text.length === 0) throw new Error(`--passphrase-file ${passphraseFile} is empty`);
    return text;
  }
  const fromEnv = env.EVV_PASSPHRASE;
  if (fromEnv) return fromEnv;
  throw new Error("the keystore passphrase is missing: pass --passphrase-file <path> (or set EVV_PASSPHRASE, readable by the same user in /proc)");
}
