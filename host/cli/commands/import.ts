// `evv import <kind> <file>`: validates a whole file, then stores it in one transaction.
// Nothing is written when any record is wrong; the error names the record and the field.
import { Command } from "commander";
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
  passphraseFile?: string;
  json?: boolean;
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command("import")
    .description("import clients, providers, authorizations, devices (JSON arrays; clients and authorizations also as .csv) or readings (a reader's JSON Lines visit log); all or nothing")
    .argument("<kind>", "clients | providers | authorizations | devices | readings")
    .argument("<file>", "the file to import")
    .option("--json", "print the result as JSON");
  // The keystore: the import's audit entry is sealed with the key it derives (host/storage/auditLog.ts).
  for (const option of verifierStoreOptions()) command.addOption(option);
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
  const stores = openVerifierStores(opts, { needKeystore: true });
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
        return importReadings(stores.db, file, validated.sha256, validated.records, (done, total) => progress.update(done, total, "importing readings"));
    }
  } finally {
    progress.stop();
    stores.close();
  }
}
