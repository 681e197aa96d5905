// The verifier's stores as the CLI opens them: the database (--db / EVV_DB) and, for commands
// that need keys, the keystore (--keystore / EVV_KEYSTORE, passphrase from EVV_PASSPHRASE or
// --passphrase-file).
import { existsSync } from "node:fs";
import { Option } from "commander";
import { openDatabase, openDatabaseForReading, type EvvDatabase } from "../storage/database.js";
import { isPostgresLocation } from "../storage/sqlDatabase.js";
import { DeviceRegistry } from "../registry/deviceRegistry.js";
import { sealAuditWith } from "../storage/auditLog.js";
import { Keystore } from "../keystore/keystore.js";
import { readPassphrase } from "../keystore/passphraseSource.js";
import { CliError, EXIT_BAD_INPUT } from "./cliError.js";
import { storageFailure } from "../storage/storageFailure.js";

export const DEFAULT_DATABASE = "evv.db";
export const DEFAULT_KEYSTORE = "evv-keystore.json";

export interface VerifierStoreOptions {
  db: string;
  keystore: string;
  passphraseFile?: string;
}

export function verifierStoreOptions(): Option[] {
  return [
    new Option("--db <path>", "verifier database: a SQLite file, or a PostgreSQL server as postgres://user@host:port/database").env("EVV_DB").default(DEFAULT_DATABASE),
    new Option("--keystore <path>", "HHS master-key keystore file").env("EVV_KEYSTORE").default(DEFAULT_KEYSTORE),
    new Option("--passphrase-file <path>", "file holding the keystore passphrase, mode 0600 (preferred; EVV_PASSPHRASE also works but is readable in /proc/<pid>/environ)"),
  ];
}

export interface VerifierStores {
  db: EvvDatabase;
  registry: DeviceRegistry;
  keystore: Keystore | null;
  /** The audit log's seal key (Keystore.auditSealKey) when the keystore is open: every entry written through `db` is sealed with it. */
  auditKey: Uint8Array | null;
  close(): void;
}

/**
 * `needKeystore`: every command that writes the audit log (imports, verify, device registry
 * changes) and `evv report audit`, which checks the seals. `readOnly`: the reports' connection (openDatabaseForReading), which works on storage the user cannot write. */
export function openVerifierStores(options: VerifierStoreOptions, need: { needKeystore: boolean; readOnly?: boolean }): VerifierStores {
  const keystore = need.needKeystore ? openKeystore(options) : null;
  const db = need.readOnly ? openForReading(options.db) : openDatabase(options.db);
  const auditKey = keystore ? keystore.auditSealKey() : null;
  if (auditKey) sealAuditWith(db, auditKey);
  return {
    db,
    registry: new DeviceRegistry(db),
    keystore,
    auditKey,
    close: () => {
      auditKey?.fill(0);
      db.close();
    },
  };
}

/** The keystore named by --keystore, its passphrase from --passphrase-file or EVV_PASSPHRASE; exit 3 when it cannot be opened. */
function openKeystore(options: Pick<VerifierStoreOptions, "keystore" | "passphraseFile">): Keystore {
  try {
    return Keystore.open(options.keystore, readPassphrase(options.passphraseFile));
  } catch (error) {
    if (storageFailure(error)) throw error;
    throw new CliError((error as Error).message, EXIT_BAD_INPUT);
  }
}

/**
 * Only the audit log's seal key (Keystore.auditSealKey), for a long-running writer (`evv serve`)
 * that must seal its entries but has no use for the master keys: the keystore is opened, the
 * key derived, and the keystore dropped. The caller wipes the key (fill(0)) when done.
 */
export function readAuditSealKey(options: Pick<VerifierStoreOptions, "keystore" | "passphraseFile">): Uint8Array {
  return openKeystore(options).auditSealKey();
}

function openForReading(path: string): EvvDatabase {
  if (!isPostgresLocation(path) && !existsSync(path)) throw new CliError(`no database at ${path} (evv import creates it; --db or EVV_DB to name another)`, EXIT_BAD_INPUT);
  return openDatabaseForReading(path);
}
