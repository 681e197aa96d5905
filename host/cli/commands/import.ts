// `evv import <kind> <file>`: validates a whole file, then stores it in one transaction.
// Nothing is written when any record is wrong; the error names the record and the field.
// Every kind's fields and columns are in docs/formats.md, with example files in docs/examples/.
import { Command } from "commander";
import { z } from "zod";
import { instant } from "../../domain/identifiers.js";
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { InputFileError, readJsonFile, readJsonLinesFile } from "../../domain/inputFile.js";
import { clientFile, stayFile, type Client, type ClientStay } from "../../domain/client.js";
import { providerFile, type Provider } from "../../domain/provider.js";
import { caregiverFile, type Caregiver } from "../../domain/caregiver.js";
import { authorizationFile, type Authorization } from "../../domain/authorization.js";
import { clockObservation, deviceFile, type ClockObservation, type DeviceFileEntry } from "../../domain/device.js";
import { reading, type Reading } from "../../capture/reading.js";
import {
  importAuthorizations,
  importCaregivers,
  importClients,
  importClockHistory,
  importDevices,
  importProviders,
  importReadings,
  importStays,
  type ImportResult,
} from "../../storage/importers.js";
import { createProgress } from "../../report/progressBar.js";
import { readCsvFile } from "../../domain/csvInput.js";
import {
  AUTHORIZATION_CSV_COLUMNS,
  CAREGIVER_CSV_COLUMNS,
  CLIENT_CSV_COLUMNS,
  STAY_CSV_COLUMNS,
  authorizationFromCsv,
  caregiverFromCsv,
  clientFromCsv,
  stayFromCsv,
} from "../../domain/csvRecords.js";
import type { EvvDatabase } from "../../storage/database.js";

/** Where the format reference lives (relative to the project root). */
export const FORMATS_DOC = "docs/formats.md";

const clockHistoryFile = z.array(clockObservation).min(1, "must hold at least one observation");

interface ImportKind {
  what: string;
  /** The files it reads. */
  formats: string;
  /** Validates the file (before the database is opened). */
  read(file: string, csv: boolean): { records: unknown[]; sha256: string };
  store(db: EvvDatabase, file: string, sha256: string, records: unknown[], opts: ImportOptions, progress: (done: number, total: number) => void): ImportResult;
}

const csvOrJson = <S extends z.ZodType<unknown[]>>(schema: S, columns: readonly string[], fromCsv: (row: Record<string, string>) => unknown) => (file: string, csv: boolean) => {
  const read = csv ? readCsvFile(file, columns, fromCsv, schema) : readJsonFile(file, schema);
  return { records: read.data as unknown[], sha256: read.sha256 };
};
const jsonOnly = <S extends z.ZodType<unknown[]>>(schema: S, kind: string) => (file: string, csv: boolean) => {
  if (csv) throw new InputFileError(`${file}: ${kind} come as JSON, not CSV (see ${FORMATS_DOC}#${kind})`);
  const read = readJsonFile(file, schema);
  return { records: read.data as unknown[], sha256: read.sha256 };
};

const KINDS: Record<string, ImportKind> = {
  clients: {
    what: "clients with their service locations (a record that lists absences replaces that client's stays; one without keeps them)",
    formats: "JSON array or CSV",
    read: csvOrJson(clientFile, CLIENT_CSV_COLUMNS, clientFromCsv),
    store: (db, file, sha, records) => importClients(db, file, sha, records as Client[]),
  },
  providers: {
    what: "QSPs, individual or agency (an individual QSP is its own caregiver, created with it)",
    formats: "JSON array",
    read: jsonOnly(providerFile, "providers"),
    store: (db, file, sha, records) => importProviders(db, file, sha, records as Provider[]),
  },
  caregivers: {
    what: "individual caregivers: an agency's employees (an individual QSP's record may add its staff ID and e-mail)",
    formats: "JSON array or CSV",
    read: csvOrJson(caregiverFile, CAREGIVER_CSV_COLUMNS, caregiverFromCsv),
    store: (db, file, sha, records) => importCaregivers(db, file, sha, records as Caregiver[]),
  },
  authorizations: {
    what: "service authorizations with units per task category, per period, week or month",
    formats: "JSON array or CSV",
    read: csvOrJson(authorizationFile, AUTHORIZATION_CSV_COLUMNS, authorizationFromCsv),
    store: (db, file, sha, records) => importAuthorizations(db, file, sha, records as Authorization[]),
  },
  stays: {
    what: "client stays away from home (hospital, facility, leave); added to those stored, or with --replace replacing the stays of each client in the file",
    formats: "JSON array or CSV",
    read: csvOrJson(stayFile, STAY_CSV_COLUMNS, stayFromCsv),
    store: (db, file, sha, records, opts) => importStays(db, file, sha, records as ClientStay[], opts.replace === true),
  },
  devices: {
    what: "device registrations with their assignments (from another verifier's registry)",
    formats: "JSON array",
    read: jsonOnly(deviceFile, "devices"),
    store: (db, file, sha, records) => importDevices(db, file, sha, records as DeviceFileEntry[]),
  },
  "clock-history": {
    what: "device clock observations and syncs (what `evv export clock-history` writes), so two verifiers correct drift alike",
    formats: "JSON array",
    read: jsonOnly(clockHistoryFile, "clock-history"),
    store: (db, file, sha, records) => importClockHistory(db, file, sha, records as ClockObservation[]),
  },
  readings: {
    what: "a reader's visit log",
    formats: "JSON Lines (or a JSON array)",
    read: (file) => readJsonLinesFile(file, reading),
    store: (db, file, sha, records, opts, progress) => importReadings(db, file, sha, records as Reading[], progress, receivedAtOption(opts.receivedAt)),
  },
};

export const IMPORT_KINDS = Object.keys(KINDS);

interface ImportOptions {
  db: string;
  keystore: string;
  passphraseFile?: string;
  json?: boolean;
  replace?: boolean;
  receivedAt?: string;
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command("import")
    .description(`import ${IMPORT_KINDS.join(", ")}; all or nothing (formats: ${FORMATS_DOC})`)
    .argument("[kind]", IMPORT_KINDS.join(" | "))
    .argument("[file]", "the file to import")
    // An unknown kind reaches this action (with whatever options followed it) and is named there.
    // These two settings are for the parent only: commander copies allowExcessArguments to
    // subcommands made after it, so each kind turns both off again below.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      "after",
      `\nEvery field and column of every kind, with types and examples: ${FORMATS_DOC}; example files in docs/examples/.\n` +
        `\`evv import <kind> --help\` says what one kind reads. Exit codes: 0 imported; 2 usage; 3 bad input (nothing imported).`,
    )
    .action((kind: string | undefined) => {
      // No kind at all: the group's help on stderr and exit 2, as every command group does.
      if (kind === undefined) command.help({ error: true });
      throw new CliError(`kind must be one of ${IMPORT_KINDS.join(", ")} (got ${JSON.stringify(kind)}); see ${FORMATS_DOC}`, EXIT_USAGE);
    });
  for (const [name, kind] of Object.entries(KINDS)) {
    const sub = command
      .command(name)
      .description(`${kind.what}: ${kind.formats}`)
      .argument("<file>", `the file to import (${kind.formats})`)
      .allowUnknownOption(false)
      .allowExcessArguments(false)
      .option("--json", "print the result as JSON")
      .addHelpText("after", `\nFormat: ${FORMATS_DOC}#${name} (every field${kind.formats.includes("CSV") ? " and column" : ""}, with types and examples); example: docs/examples/.`);
    if (name === "stays") sub.option("--replace", "replace the stored stays of each client named in the file (the result lists whose)");
    if (name === "readings")
      sub.option("--received-at <time>", "when HHS received the file (ISO 8601 with offset; recorded in the audit log with the import time); default now, the import time");
    // The keystore: the import's audit entry is sealed with the key it derives (host/storage/auditLog.ts).
    for (const option of verifierStoreOptions()) sub.addOption(option);
    sub.action((file: string, opts: ImportOptions) => runImportCommand(name, kind, file, opts));
  }
}

function runImportCommand(name: string, kind: ImportKind, file: string, opts: ImportOptions): void {
  let result: ImportResult;
  try {
    // Validate the whole file before the database is even opened.
    receivedAtOption(opts.receivedAt);
    const validated = kind.read(file, file.toLowerCase().endsWith(".csv"));
    const stores = openVerifierStores(opts, { needKeystore: true });
    const progress = createProgress(!opts.json);
    try {
      result = kind.store(stores.db, file, validated.sha256, validated.records, opts, (done, total) => progress.update(done, total, `importing ${name}`));
    } finally {
      progress.stop();
      stores.close();
    }
  } catch (error) {
    if (error instanceof InputFileError) throw new CliError(`refused, nothing imported:\n${error.message}\n(format: ${FORMATS_DOC}#${name})`, EXIT_BAD_INPUT);
    throw error;
  }
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else
    process.stdout.write(
      `imported ${result.kind} from ${file}: ${result.inserted} new, ${result.updated} updated` +
        (result.duplicates ? `, ${result.duplicates} already stored (skipped)` : "") +
        "\n" +
        result.replaced.map((r) => `replaced: ${r}\n`).join(""),
    );
}

/** `--received-at` (readings): when HHS received the file (recorded in the audit entry beside the import time); the import time when absent. */
function receivedAtOption(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const parsed = instant.safeParse(text);
  if (!parsed.success) throw new CliError(`--received-at must be an ISO 8601 time with offset, e.g. 2026-11-30T09:00:00Z (got ${JSON.stringify(text)})`, EXIT_USAGE);
  return Date.parse(text);
}
