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
  const exportCommand = program.command("export").description("export verified visits: EVV records, Sandata-style FVV visits, daily claim summary; the readers' roster");

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

  withCommon(exportCommand.command("sandata").description("alternate-EVV visits in Sandata's JSON shape, calls of type FVV"), false).action((raw) => {
    const opts = parseOptions(raw);
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
    try {
      const counted = counting(visitRecords(stores.db, { from: opts.from, to: opts.to, statuses: BILLABLE_STATUSES }));
      const text = sandataVisitsJson(counted);
      emit(text, opts, { what: "Sandata FVV visits", count: counted.count, format: "json" });
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
