// The HHS master-key keystore: versions 1..255, one current version for new devices, rotation
// adds a version and keeps the old ones (devices provisioned under them still verify).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { MASTER_KEY_LENGTH, deriveDeviceKey } from "../../protocol/deviceKey.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import { keystoreContents, keystoreFile, type KeystoreContents } from "./keystoreFile.js";
import { DEFAULT_SCRYPT_COST, seal, unseal, type ScryptCost } from "./sealing.js";
import { writeFileAtomic } from "./atomicWrite.js";

export const KEYSTORE_FILE_MODE = 0o600;

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
    if (passphrase.length < 8) throw new Error("keystore: passphrase must be at least 8 characters");
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
    return new Keystore(path, passphrase, contents, parsed.data.kdf);
  }

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
