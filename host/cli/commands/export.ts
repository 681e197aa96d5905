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
import { rosterFromDatabase } from "../../export/rosterExport.js";

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
    .option("--out <file>", "write here (atomically) instead of stdout; then stdout says what was written")
    .addHelpText("after", "\nOn success it says what it wrote (how many records, where): on stdout with --out (as JSON with --json), else on stderr.");
}

function parseOptions(raw: unknown): ExportOptions {
  const parsed = exportOptions.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`--${String(issue.path[0] ?? "option")}: ${issue.message}`, EXIT_USAGE);
  }
  return parsed.data;
}

/** The records as they stream by, counted (the exports read them once, as a generator). */
function counting<T>(records: Iterable<T>): Iterable<T> & { count: number } {
  const counted = {
    count: 0,
    *[Symbol.iterator]() {
      for (const record of records) {
        counted.count++;
        yield record;
      }
    },
  };
  return counted;
}

/** What an export wrote, said once it is written: on stdout with --out (JSON with --json), else on stderr beside the data. */
interface Written {
  what: string;
  count: number;
  format: "csv" | "json";
  units?: number;
}

function emit(text: string, opts: ExportOptions, written: Written): void {
  const where = opts.out ?? "standard output";
  const sentence = `wrote ${written.count} ${written.what} (${written.format.toUpperCase()}${written.units === undefined ? "" : `, ${written.units} billable units`}) to ${where}`;
  if (opts.out) {
    writeFileAtomic(opts.out, text, 0o644);
    process.stdout.write(opts.json ? JSON.stringify({ out: opts.out, ...written }, null, 2) + "\n" : sentence + "\n");
  } else {
    process.stdout.write(text);
    process.stderr.write(sentence + "\n");
  }
}

export function registerExportCommands(program: Command): void {
  const exportCommand = program.command("export").description("export verified visits: EVV records, Sandata Alternate-EVV records, daily claim summary, device clock history; the readers' roster");

  withCommon(exportCommand.command("records").description("EVV records: the six federal elements and ND's service-record elements, one a visit"), true)
    .option("--status <status...>", "statuses to include (default: verified, verified-with-flags)")
    .action((raw) => {
      const opts = parseOptions(raw);
      const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
      try {
        const records = visitRecords(stores.db, { from: opts.from, to: opts.to, statuses: opts.status ?? BILLABLE_STATUSES });
        const format = opts.json || opts.format === "json" ? "json" : "csv";
        const counted = counting(records);
        const text = format === "json" ? evvRecordsJson(counted) : evvRecordsCsv(counted);
        emit(text, opts, { what: "EVV records", count: counted.count, format });
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
    .option("--out <file>", "write here (atomically) instead of stdout")
    .option("--json", "with --out, say what was written as JSON");
  for (const option of verifierStoreOptions()) if (option.long === "--db") clock.addOption(option);
  clock.action((opts: { db: string; device?: string; out?: string; json?: boolean }) => {
    if (opts.device !== undefined && !/^[0-9a-f]{8}$/.test(opts.device)) throw new CliError("--device must be 8 lower-case hex digits", EXIT_USAGE);
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
    try {
      const history = clockHistoryRecords(stores.db, opts.device);
      emit(JSON.stringify(history, null, 2) + "\n", { db: opts.db, out: opts.out, json: opts.json }, { what: "clock observations", count: history.length, format: "json" });
    } finally {
      stores.close();
    }
  });

  withCommon(exportCommand.command("claims").description("daily claim summary: units per date, procedure code, provider and client"), true).action((raw) => {
    const opts = parseOptions(raw);
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
    try {
      const lines = claimSummary(stores.db, opts.from, opts.to);
      const format = opts.json || opts.format === "json" ? "json" : "csv";
      const units = lines.reduce((sum, l) => sum + l.units, 0);
      emit(format === "json" ? JSON.stringify({ lines, totals: claimTotalsByDay(lines) }, null, 2) + "\n" : claimSummaryCsv(lines), opts, { what: "claim lines", count: lines.length, format, units });
    } finally {
      stores.close();
    }
  });
  registerRosterExport(exportCommand);
}

/** `evv export roster`: what a reader checks a caregiver's entries against (host/reader/roster.ts). */
export function registerRosterExport(exportCommand: Command): void {
  const command = exportCommand
    .command("roster")
    .description("the roster readers check provider and client numbers against (evv read --roster): numbers, names, authorized pairs; no key")
    .option("--provider-format <regex>", "a format every provider number must have, e.g. 'QSP-[AI][0-9]{4}' (none by default)")
    .option("--client-format <regex>", "a format every client ND number must have, e.g. 'ND-[0-9]{6}' (none by default)")
    .option("--json", "say what was written as JSON")
    .option("--out <file>", "write here (atomically) instead of stdout; then stdout says what was written");
  for (const option of verifierStoreOptions()) if (option.long === "--db") command.addOption(option);
  command.action((raw: { db: string; providerFormat?: string; clientFormat?: string; json?: boolean; out?: string }) => {
    for (const [flag, value] of [["--provider-format", raw.providerFormat], ["--client-format", raw.clientFormat]] as const) {
      if (value === undefined) continue;
      try {
        new RegExp(value);
      } catch {
        throw new CliError(`${flag}: ${JSON.stringify(value)} is not a regular expression`, EXIT_USAGE);
      }
    }
    const stores = openVerifierStores({ db: raw.db, keystore: "" }, { needKeystore: false });
    try {
      const built = rosterFromDatabase(stores.db, { providerNumber: raw.providerFormat, clientNdNumber: raw.clientFormat }, new Date());
      const badProvider = raw.providerFormat ? built.providers.find((p) => !new RegExp(`^(?:${raw.providerFormat})$`).test(p.providerNumber)) : undefined;
      const badClient = raw.clientFormat ? built.clients.find((c) => !new RegExp(`^(?:${raw.clientFormat})$`).test(c.ndNumber)) : undefined;
      if (badProvider) throw new CliError(`--provider-format: provider ${badProvider.providerNumber} (${badProvider.name}) does not have that format; nothing written`, EXIT_USAGE);
      if (badClient) throw new CliError(`--client-format: client ${badClient.ndNumber} (${badClient.name}) does not have that format; nothing written`, EXIT_USAGE);
      const what = `roster entries (${built.providers.length} providers, ${built.clients.length} clients, ${built.authorizedPairs.length} authorized pairs)`;
      emit(JSON.stringify(built, null, 2) + "\n", { db: raw.db, out: raw.out, json: raw.json }, { what, count: built.providers.length + built.clients.length, format: "json" });
    } finally {
      stores.close();
    }
  });
}
