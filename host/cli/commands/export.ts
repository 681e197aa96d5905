// `evv export records|sandata|claims`: EVV records (federal + ND elements) as CSV or JSON,
// Sandata-style alternate-EVV visits (call type FVV), and the daily claim summary.
import { Command, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { localDate } from "../../domain/identifiers.js";
import { visitRecords, BILLABLE_STATUSES } from "../../export/visitRecords.js";
import { evvRecordsCsv, evvRecordsJson } from "../../export/evvRecordsExport.js";
import { sandataVisitsJson } from "../../export/sandataVisits.js";
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
  const exportCommand = program.command("export").description("export verified visits: EVV records, Sandata-style FVV visits, daily claim summary");

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

  withCommon(exportCommand.command("sandata").description("alternate-EVV visits in Sandata's JSON shape, calls of type FVV"), false).action((raw) => {
    const opts = parseOptions(raw);
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
    try {
      emit(sandataVisitsJson(visitRecords(stores.db, { from: opts.from, to: opts.to, statuses: BILLABLE_STATUSES })), opts.out);
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
