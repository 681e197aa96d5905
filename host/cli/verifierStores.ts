// The verifier's stores as the CLI opens them: the database (--db / EVV_DB) and, for commands
// that need keys, the keystore (--keystore / EVV_KEYSTORE, passphrase from EVV_PASSPHRASE or
// --passphrase-file).
import { Option } from "commander";
import { openDatabase, type EvvDatabase } from "../storage/database.js";
import { DeviceRegistry } from "../registry/deviceRegistry.js";
import { Keystore } from "../keystore/keystore.js";
import { readPassphrase } from "../keystore/passphraseSource.js";
import { CliError, EXIT_BAD_INPUT } from "./cliError.js";

export const DEFAULT_DATABASE = "evv.db";
export const DEFAULT_KEYSTORE = "evv-keystore.json";

export interface VerifierStoreOptions {
  db: string;
  keystore: string;
  passphraseFile?: string;
}

export function verifierStoreOptions(): Option[] {
  return [
    new Option("--db <path>", "verifier database file").env("EVV_DB").default(DEFAULT_DATABASE),
    new Option("--keystore <path>", "HHS master-key keystore file").env("EVV_KEYSTORE").default(DEFAULT_KEYSTORE),
    new Option("--passphrase-file <path>", "file holding the keystore passphrase (else EVV_PASSPHRASE)"),
  ];
}

export interface VerifierStores {
  db: EvvDatabase;
  registry: DeviceRegistry;
  keystore: Keystore | null;
  close(): void;
}

export function openVerifierStores(options: VerifierStoreOptions, need: { needKeystore: boolean }): VerifierStores {
  let keystore: Keystore | null = null;
  if (need.needKeystore) {
    try {
      keystore = Keystore.open(options.keystore, readPassphrase(options.passphraseFile));
    } catch (error) {
      throw new CliError((error as Error).message, EXIT_BAD_INPUT);
    }
  }
  const db = openDatabase(options.db);
  return { db, registry: new DeviceRegistry(db), keystore, close: () => db.close() };
}
