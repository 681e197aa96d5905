// The HHS master-key keystore: versions 1..255, one current version for new devices, rotation
// adds a version and keeps the old ones (devices provisioned under them still verify).
import { createHmac, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { MASTER_KEY_LENGTH, deriveDeviceKey } from "../../protocol/deviceKey.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import { keystoreContents, keystoreFile, type KeystoreContents } from "./keystoreFile.js";
import { DEFAULT_SCRYPT_COST, isWeakerThanDefault, seal, unseal, type ScryptCost } from "./sealing.js";
import { writeFileAtomic } from "./atomicWrite.js";

export const KEYSTORE_FILE_MODE = 0o600;
/** Characters (Unicode code points) a new passphrase needs at least: a passphrase of several words. */
export const MIN_PASSPHRASE_LENGTH = 15;

/** Refuses a passphrase shorter than MIN_PASSPHRASE_LENGTH, saying what is wanted. */
export function checkNewPassphrase(passphrase: string): void {
  const length = [...passphrase.normalize("NFC")].length;
  if (length < MIN_PASSPHRASE_LENGTH)
    throw new Error(`keystore: the passphrase has ${length} characters; use at least ${MIN_PASSPHRASE_LENGTH}, for example four or more unrelated words`);
}

export class Keystore {
  private constructor(
    private readonly path: string,
    private readonly passphrase: string,
    private contents: KeystoreContents,
    private readonly cost: ScryptCost,
  ) {}

  /** Creates a new keystore file with one fresh random master key (version 1). Refuses to overwrite. */
  static create(path: string, passphrase: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Keystore {
    if (existsSync(path)) throw new Error(`keystore: ${path} already exists`);
    checkNewPassphrase(passphrase);
    const store = new Keystore(path, passphrase, { currentVersion: 1, keys: [freshKey(1)] }, cost);
    store.save();
    return store;
  }

  static open(path: string, passphrase: string): Keystore {
    if (!existsSync(path)) throw new Error(`keystore: ${path} does not exist`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      throw new Error(`keystore: ${path} is not JSON`);
    }
    const parsed = keystoreFile.safeParse(raw);
    if (!parsed.success) throw new Error(`keystore: ${path}: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
    const plaintext = unseal(parsed.data, passphrase);
    const contents = keystoreContents.parse(JSON.parse(plaintext.toString("utf8")));
    plaintext.fill(0);
    const cost = parsed.data.kdf;
    if (!isWeakerThanDefault(cost)) return new Keystore(path, passphrase, contents, cost);
    // Sealed more cheaply than today's minimum (an older file): sealed again at the default cost now.
    const store = new Keystore(path, passphrase, contents, DEFAULT_SCRYPT_COST);
    try {
      store.save();
    } catch (error) {
      // Refused rather than used as it is; the file-system code stays for the caller (read-only storage: exit 6).
      const e = error as NodeJS.ErrnoException;
      throw Object.assign(new Error(`keystore: ${path} is sealed below scrypt N = 2^17 and could not be sealed again where it lies (${e.message}); open it once where it can be written`), { code: e.code });
    }
    store.resealed = true;
    return store;
  }

  /** True when open() found the file sealed below the default scrypt cost and sealed it again. */
  resealed = false;

  get currentVersion(): number {
    return this.contents.currentVersion;
  }

  versions(): number[] {
    return this.contents.keys.map((k) => k.version).sort((a, b) => a - b);
  }

  hasVersion(version: number): boolean {
    return this.contents.keys.some((k) => k.version === version);
  }

  /** The master key of a version (a copy; the caller should not keep it longer than needed). */
  masterKey(version: number): Uint8Array {
    const entry = this.contents.keys.find((k) => k.version === version);
    if (!entry) throw new Error(`keystore: no master key of version ${version}`);
    return new Uint8Array(Buffer.from(entry.key, "hex"));
  }

  /** A device's key (SPEC.md section 2), derived from the master key of its version; the master key copy is wiped. */
  deviceKey(version: number, deviceId: number): Uint8Array {
    const master = this.masterKey(version);
    try {
      return deriveDeviceKey(nodeSha256, master, version, deviceId);
    } finally {
      master.fill(0);
    }
  }

  /**
   * The key that seals the audit log (host/storage/auditLog.ts): HMAC-SHA256(master key of
   * version 1, "evv audit log seal v1"). Version 1 is never removed, so the key outlives rotations.
   */
  auditSealKey(): Uint8Array {
    const master = this.masterKey(Math.min(...this.versions()));
    try {
      return new Uint8Array(createHmac("sha256", master).update("evv audit log seal v1").digest());
    } finally {
      master.fill(0);
    }
  }

  /** Adds a fresh master key as the next version and makes it current; returns the version. */
  rotate(): number {
    const next = Math.max(...this.versions()) + 1;
    if (next > 255) throw new Error("keystore: key versions are exhausted (255)");
    this.contents = { currentVersion: next, keys: [...this.contents.keys, freshKey(next)] };
    this.save();
    return next;
  }

  private save(): void {
    const sealed = seal(Buffer.from(JSON.stringify(this.contents), "utf8"), this.passphrase, this.cost);
    writeFileAtomic(this.path, JSON.stringify(sealed, null, 2) + "\n", KEYSTORE_FILE_MODE);
    chmodSync(this.path, KEYSTORE_FILE_MODE);
  }
}

function freshKey(version: number) {
  return { version, key: randomBytes(MASTER_KEY_LENGTH).toString("hex"), createdAt: new Date().toISOString() };
}
