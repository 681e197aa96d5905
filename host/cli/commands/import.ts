// `evv import <kind> <file>`: validates a whole file, then stores it in one transaction.
// Nothing is written when any record is wrong; the error names the record and the field.
import { Command, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { InputFileError, readJsonFile, readJsonLinesFile } from "../../domain/inputFile.js";
import { clientFile } from "../../domain/client.js";
import { providerFile } from "../../domain/provider.js";
import { authorizationFile } from "../../domain/authorization.js";
import { deviceFile } from "../../domain/device.js";
import { reading } from "../../capture/reading.js";
import { importAuthorizations, importClients, importDevices, importProviders, importReadings, type ImportResult } from "../../storage/importers.js";
import { createProgress } from "../../report/progressBar.js";
import { readCsvFile } from "../../domain/csvInput.js";
import { AUTHORIZATION_CSV_COLUMNS, CLIENT_CSV_COLUMNS, authorizationFromCsv, clientFromCsv } from "../../domain/csvRecords.js";

export const importKind = z.enum(["clients", "providers", "authorizations", "devices", "readings"], {
  message: "kind must be one of clients, providers, authorizations, devices, readings",
});

interface ImportOptions {
  db: string;
  keystore: string;
  json?: boolean;
  receivedAt?: string;
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command("import")
    .description("import clients, providers, authorizations, devices (JSON arrays; clients and authorizations also as .csv) or readings (a reader's JSON Lines visit log); all or nothing")
    .argument("<kind>", "clients | providers | authorizations | devices | readings")
    .argument("<file>", "the file to import")
    .option("--json", "print the result as JSON")
    .option("--received-at <time>", "readings: when HHS received the file (ISO 8601; recorded in the audit log with the import time); default now, the import time");
  for (const option of verifierStoreOptions()) if (option.long === "--db") command.addOption(option);
  command.addOption(new Option("--keystore <path>").hideHelp().default(""));
  command.action((kindArgument: string, file: string, opts: ImportOptions) => {
    const kind = importKind.safeParse(kindArgument);
    if (!kind.success) throw new CliError(kind.error.issues[0].message, EXIT_USAGE);
    let result: ImportResult;
    try {
      result = runImport(kind.data, file, opts);
    } catch (error) {
      if (error instanceof InputFileError) throw new CliError(`refused, nothing imported:\n${error.message}`, EXIT_BAD_INPUT);
      throw error;
    }
    if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    else
      process.stdout.write(
        `imported ${result.kind} from ${file}: ${result.inserted} new, ${result.updated} updated` + (result.duplicates ? `, ${result.duplicates} already stored (skipped)` : "") + "\n",
      );
  });
}

function asRecords<T>(file: { data: T[]; sha256: string }): { records: T[]; sha256: string } {
  return { records: file.data, sha256: file.sha256 };
}

function runImport(kind: z.infer<typeof importKind>, file: string, opts: ImportOptions): ImportResult {
  // Validate the whole file before the database is even opened.
  const csv = file.toLowerCase().endsWith(".csv");
  if (csv && kind !== "clients" && kind !== "authorizations") throw new InputFileError(`${file}: CSV is read for clients and authorizations; ${kind} come as JSON`);
  const receivedAt = receivedAtOption(opts.receivedAt, kind);
  const validated =
    kind === "clients"
      ? { kind, ...asRecords(csv ? readCsvFile(file, CLIENT_CSV_COLUMNS, clientFromCsv, clientFile) : readJsonFile(file, clientFile)) }
      : kind === "providers"
        ? { kind, ...asRecords(readJsonFile(file, providerFile)) }
        : kind === "authorizations"
          ? { kind, ...asRecords(csv ? readCsvFile(file, AUTHORIZATION_CSV_COLUMNS, authorizationFromCsv, authorizationFile) : readJsonFile(file, authorizationFile)) }
          : kind === "devices"
            ? { kind, ...asRecords(readJsonFile(file, deviceFile)) }
            : { kind, ...readJsonLinesFile(file, reading) };
  const stores = openVerifierStores({ db: opts.db, keystore: opts.keystore }, { needKeystore: false });
  const progress = createProgress(!opts.json);
  try {
    switch (validated.kind) {
      case "clients":
        return importClients(stores.db, file, validated.sha256, validated.records);
      case "providers":
        return importProviders(stores.db, file, validated.sha256, validated.records);
      case "authorizations":
        return importAuthorizations(stores.db, file, validated.sha256, validated.records);
      case "devices":
        return importDevices(stores.db, file, validated.sha256, validated.records);
      case "readings":
        return importReadings(stores.db, file, validated.sha256, validated.records, (done, total) => progress.update(done, total, "importing readings"), receivedAt);
    }
  } finally {
    progress.stop();
    stores.close();
  }
}

/** `--received-at`: for readings only, when HHS received the file (recorded in the audit entry beside the import time); the import time when absent. */
function receivedAtOption(text: string | undefined, kind: z.infer<typeof importKind>): number {
  if (text === undefined) return Date.now();
  if (kind !== "readings") throw new CliError("--received-at is for readings", EXIT_USAGE);
  const parsed = z.string().datetime({ offset: true }).safeParse(text);
  if (!parsed.success) throw new CliError(`--received-at must be an ISO 8601 time with offset, e.g. 2026-11-30T09:00:00Z (got ${JSON.stringify(text)})`, EXIT_USAGE);
  return Date.parse(text);
}
