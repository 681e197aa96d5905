// Seals and opens the keystore contents with a passphrase: scrypt key derivation, AES-256-GCM.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import type { KeystoreFile } from "./keystoreFile.js";

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * N = 2^17, r = 8: 128 MiB and about 0.6 s per guess on this machine (OWASP's scrypt minimum),
 * so that a stolen keystore file costs a guesser that much per passphrase tried.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/** A file sealed more cheaply than this is re-sealed at DEFAULT_SCRYPT_COST when opened (Keystore.open). */
export function isWeakerThanDefault(cost: ScryptCost): boolean {
  return cost.N < DEFAULT_SCRYPT_COST.N || cost.r < DEFAULT_SCRYPT_COST.r;
}

function deriveSealingKey(passphrase: string, salt: Buffer, cost: ScryptCost): Buffer {
  return scryptSync(passphrase.normalize("NFC"), salt, 32, { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 });
}

export function seal(plaintext: Buffer, passphrase: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): KeystoreFile {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = deriveSealingKey(passphrase, salt, cost);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from("evv-keystore/1"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  return {
    format: "evv-keystore",
    formatVersion: 1,
    kdf: { name: "scrypt", salt: salt.toString("base64"), N: cost.N, r: cost.r, p: cost.p },
    cipher: "aes-256-gcm",
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

/** Throws "wrong passphrase or damaged keystore" when authentication fails. */
export function unseal(file: KeystoreFile, passphrase: string): Buffer {
  const key = deriveSealingKey(passphrase, Buffer.from(file.kdf.salt, "base64"), file.kdf);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(file.iv, "base64"));
  decipher.setAAD(Buffer.from("evv-keystore/1"));
  decipher.setAuthTag(Buffer.from(file.tag, "base64"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(file.ciphertext, "base64")), decipher.final()]);
  } catch {
    throw new Error("keystore: wrong passphrase or damaged keystore file");
  } finally {
    key.fill(0);
  }
}
