import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keystore } from "../../host/keystore/keystore.js";
import { readPassphrase } from "../../host/keystore/passphraseSource.js";
import { CHEAP_SCRYPT } from "./fixtures/visitWorld.js";

const PASSPHRASE = "a long enough passphrase";
let dir: string;
afterEach(() => undefined);

function freshPath(): string {
  dir = mkdtempSync(join(tmpdir(), "evv-keystore-"));
  return join(dir, "keys.json");
}

/** Every way a key's bytes could appear in a text file. */
function encodingsOf(key: Uint8Array): string[] {
  const b = Buffer.from(key);
  return [b.toString("hex"), b.toString("hex").toUpperCase(), b.toString("base64"), b.toString("base64url"), b.subarray(0, 16).toString("hex"), b.subarray(16).toString("base64").slice(0, 20)];
}

describe("keystore", () => {
  it("holds no master key bytes in the clear (raw, hex or base64), across rotations", () => {
    const path = freshPath();
    const store = Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT);
    store.rotate();
    store.rotate();
    const raw = readFileSync(path);
    const text = raw.toString("utf8");
    for (const version of store.versions()) {
      const key = store.masterKey(version);
      expect(raw.includes(Buffer.from(key))).toBe(false);
      for (const encoded of encodingsOf(key)) expect(text.includes(encoded)).toBe(false);
    }
  });

  it("writes the file with mode 0600 and leaves no temporary file behind", () => {
    const path = freshPath();
    const store = Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT);
    store.rotate();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["keys.json"]);
  });

  it("reopens with the passphrase to the same keys, versions and current version", () => {
    const path = freshPath();
    const store = Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT);
    const v1 = store.masterKey(1);
    expect(store.rotate()).toBe(2);
    const reopened = Keystore.open(path, PASSPHRASE);
    expect(reopened.versions()).toEqual([1, 2]);
    expect(reopened.currentVersion).toBe(2);
    expect(reopened.masterKey(1)).toEqual(v1);
    expect(reopened.masterKey(2)).not.toEqual(v1);
    expect(reopened.masterKey(2)).toHaveLength(32);
  });

  it("refuses a wrong passphrase and a tampered file", () => {
    const path = freshPath();
    Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT);
    expect(() => Keystore.open(path, "not the passphrase")).toThrow(/wrong passphrase or damaged/);
    const file = JSON.parse(readFileSync(path, "utf8"));
    const bytes = Buffer.from(file.ciphertext, "base64");
    bytes[0] ^= 1;
    file.ciphertext = bytes.toString("base64");
    writeFileSync(path, JSON.stringify(file));
    expect(() => Keystore.open(path, PASSPHRASE)).toThrow(/wrong passphrase or damaged/);
  });

  it("names the field of a malformed keystore file", () => {
    const path = freshPath();
    Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT);
    const file = JSON.parse(readFileSync(path, "utf8"));
    delete file.iv;
    writeFileSync(path, JSON.stringify(file));
    expect(() => Keystore.open(path, PASSPHRASE)).toThrow(/iv/);
  });

  it("refuses to overwrite an existing keystore and a short passphrase", () => {
    const path = freshPath();
    Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT);
    expect(() => Keystore.create(path, PASSPHRASE, CHEAP_SCRYPT)).toThrow(/already exists/);
    expect(() => Keystore.create(join(dir, "other.json"), "short", CHEAP_SCRYPT)).toThrow(/at least 15/);
  });

  it("takes the passphrase from --passphrase-file before EVV_PASSPHRASE, and says when both are missing", () => {
    const path = freshPath();
    writeFileSync(join(dir, "pass.txt"), "from the file\n");
    expect(readPassphrase(join(dir, "pass.txt"), { EVV_PASSPHRASE: "from env" })).toBe("from the file");
    expect(readPassphrase(undefined, { EVV_PASSPHRASE: "from env" })).toBe("from env");
    expect(() => readPassphrase(undefined, {})).toThrow(/EVV_PASSPHRASE/);
    expect(path).toContain("keys.json");
  });
});
