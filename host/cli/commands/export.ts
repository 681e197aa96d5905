// `evv export records|sandata|claims|clock-history`: EVV records (federal + ND elements, with
// the individual caregiver) as CSV or JSON, Sandata Alternate-EVV records (employees, clients,
// visits with FVV calls) in batches, the daily claim summary, and the device clock history.
import { Command, Option } from "commander";
import { z } from "zod";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { localDate } from "../../domain/identifiers.js";
import { visitRecords, BILLABLE_STATUSES } from "../../export/visitRecords.js";
import { evvRecordsCsv, evvRecordsJson } from "../../export/evvRecordsExport.js";
import { loadSandataSettings } from "../../export/sandataSettings.js";
import { SandataExportError, exportSandata } from "../../export/sandataExport.js";
import { clockHistoryRecords } from "../../export/clockHistory.js";
import { InputFileError } from "../../domain/inputFile.js";
import { claimSummary, claimSummaryCsv, claimTotalsByDay } from "../../export/claimSummary.js";
import { writeFileAtomic } from "../../keystore/atomicWrite.js";
import { visitStatus } from "../../domain/visit.js";

const exportOptions = z.object({
  db: z.string(),
  format: z.enum(["csv", "json"], { message: "--format must be csv or json" }).optional(),
  json: z.boolean().optional(),
  from: localDate.optional(),
  to: localDate.optional(),
  out: z.string().min(1).optional(),
  status: z.array(visitStatus).optional(),
});
type ExportOptions = z.infer<typeof exportOptions>;

function withCommon(command: Command, formats: boolean): Command {
  for (const option of verifierStoreOptions()) if (option.long === "--db") command.addOption(option);
  if (formats) command.addOption(new Option("--format <format>", "csv or json").choices(["csv", "json"]));
  return command
    .option("--json", "JSON output (same as --format json)")
    .option("--from <date>", "first local date, YYYY-MM-DD")
    .option("--to <date>", "last local date, YYYY-MM-DD")
    .option("--out <file>", "write here (atomically) instead of stdout");
}

function parseOptions(raw: unknown): ExportOptions {
  const parsed = exportOptions.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`--${String(issue.path[0] ?? "option")}: ${issue.message}`, EXIT_USAGE);
  }
  return parsed.data;
}

function emit(text: string, out: string | undefined): void {
  if (out) writeFileAtomic(out, text, 0o644);
  else process.stdout.write(text);
}

export function registerExportCommands(program: Command): void {
  const exportCommand = program.command("export").description("export verified visits: EVV records, Sandata Alternate-EVV records, daily claim summary, device clock history");

  withCommon(exportCommand.command("records").description("EVV records: the six federal elements and ND's service-record elements, one a visit"), true)
    .option("--status <status...>", "statuses to include (default: verified, verified-with-flags)")
    .action((raw) => {
      const opts = parseOptions(raw);
      const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
      try {
        const records = visitRecords(stores.db, { from: opts.from, to: opts.to, statuses: opts.status ?? BILLABLE_STATUSES });
        emit(opts.json || opts.format === "json" ? evvRecordsJson(records) : evvRecordsCsv(records), opts.out);
      } finally {
        stores.close();
      }
    });

  const sandata = exportCommand
    .command("sandata")
    .description("Sandata Alternate-EVV records: employees, clients and visits (calls of type FVV; Manual for visits recorded by hand), new or changed since the last export")
    .requiredOption("--out-dir <dir>", "write the batch files here (sandata-1-employees-001.json, sandata-2-clients-001.json, sandata-3-visits-001.json ...: send in name order)")
    .option("--settings <file>", "state-assigned values (payer, programs, procedure codes, task IDs, reason codes, time zones, batch size; docs/formats.md#sandata-settings); default: ND's")
    .option("--all", "send every record again (each with a new, higher SequenceID), not only the new and changed")
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      "\nSequenceIDs come from one counter kept in the database: they rise across exports and are never reused. Each file holds at most 5,000 records.\n" +
        "Exit codes: 0 written; 3 a record would break the format's rules (named; nothing written, nothing marked sent).",
    );
  // The keystore: the export's audit entry is sealed with the key it derives (host/storage/auditLog.ts).
  for (const option of verifierStoreOptions()) sandata.addOption(option);
  sandata.action((opts: { db: string; keystore: string; passphraseFile?: string; outDir: string; settings?: string; all?: boolean; json?: boolean }) => {
    const stores = openVerifierStores(opts, { needKeystore: true });
    try {
      let result;
      try {
        result = exportSandata(stores.db, loadSandataSettings(opts.settings), { all: opts.all });
      } catch (error) {
        if (error instanceof SandataExportError || error instanceof InputFileError) throw new CliError(`refused, nothing exported:\n${error.message}`, EXIT_BAD_INPUT);
        throw error;
      }
      mkdirSync(opts.outDir, { recursive: true });
      for (const b of result.batches) writeFileAtomic(join(opts.outDir, b.file), b.text, 0o644);
      const c = result.counts;
      const summary = { ...c, firstSequence: result.firstSequence, lastSequence: result.lastSequence, files: result.batches.map((b) => ({ file: b.file, records: b.records.length })) };
      process.stdout.write(
        opts.json
          ? JSON.stringify(summary, null, 2) + "\n"
          : `sandata: ${c.employees} employees, ${c.clients} clients, ${c.visits} visits (${c.updates} updates)` +
              (result.firstSequence === null ? ", nothing new to send\n" : `, SequenceID ${result.firstSequence}-${result.lastSequence}, in ${opts.outDir}:\n`) +
              result.batches.map((b) => `  ${b.file} (${b.records.length})\n`).join(""),
      );
    } finally {
      stores.close();
    }
  });

  const clock = exportCommand
    .command("clock-history")
    .description("device clock observations and syncs, for `evv import clock-history` on another verifier (same drift corrections, same decisions)")
    .option("--device <id>", "only this device (8 hex digits)")
    .option("--out <file>", "write here (atomically) instead of stdout");
  for (const option of verifierStoreOptions()) if (option.long === "--db") clock.addOption(option);
  clock.action((opts: { db: string; device?: string; out?: string }) => {
    if (opts.device !== undefined && !/^[0-9a-f]{8}$/.test(opts.device)) throw new CliError("--device must be 8 lower-case hex digits", EXIT_USAGE);
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
    try {
      emit(JSON.stringify(clockHistoryRecords(stores.db, opts.device), null, 2) + "\n", opts.out);
    } finally {
      stores.close();
    }
  });

  withCommon(exportCommand.command("claims").description("daily claim summary: units per date, procedure code, provider and client"), true).action((raw) => {
    const opts = parseOptions(raw);
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
    try {
      const lines = claimSummary(stores.db, opts.from, opts.to);
      emit(opts.json || opts.format === "json" ? JSON.stringify({ lines, totals: claimTotalsByDay(lines) }, null, 2) + "\n" : claimSummaryCsv(lines), opts.out);
    } finally {
      stores.close();
    }
  });
}
