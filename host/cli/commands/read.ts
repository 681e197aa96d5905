// `evv read`: the caregiver's reader. Reads a fob over BLE or a serial console (challenge
// with a fresh nonce) or takes a typed display code, shows what it captured, and appends one
// record to the local visit log as check-in or check-out. The reader holds no key.
import { hostname } from "node:os";
import { Command, Option } from "commander";
import { z } from "zod";
import { displayCodeProblem, groupDisplayCode, normalizeDisplayCode } from "../../../protocol/displayCode.js";
import { decodeFrame } from "../../../protocol/frame.js";
import { fromHex } from "../../../protocol/bytes.js";
import { ERR_CLOCK } from "../../../protocol/uartCommands.js";
import { CliError, EXIT_BAD_INPUT, EXIT_DEVICE, EXIT_FAILURE, EXIT_USAGE } from "../cliError.js";
import { LinkError } from "../../transport/linkError.js";
import { DEFAULT_SERIAL_BAUD } from "../../transport/serialPipe.js";
import { readOverBle } from "../../reader/bleRead.js";
import { readOverSerial } from "../../reader/serialRead.js";
import { buildReading, type Capture, type VisitContext } from "../../reader/readingRecord.js";
import { appendToVisitLog } from "../../reader/visitLog.js";
import { summaryLines } from "../../reader/readingSummary.js";
import { readerForSubmission, submitToService } from "../readSubmission.js";
import type { StatusAnswerLine } from "../../transport/uartAnswers.js";
import { DEFAULT_ROSTER, checkVisitEntry } from "../../reader/entryChecks.js";
import { linkAdvice } from "../../reader/linkAdvice.js";
import { knownTaskNames } from "../../domain/taskCategory.js";

const DEFAULT_LOG = "evv-visits.jsonl";

const positiveMs = (name: string) =>
  z.coerce.number({ message: `${name} must be a number of milliseconds` }).int(`${name} must be whole milliseconds`).positive(`${name} must be positive`);

const readOptions = z
  .object({
    ble: z.boolean().optional(),
    serial: z.string().min(1, "--serial needs a port path").optional(),
    typed: z.string().optional(),
    checkIn: z.boolean().optional(),
    checkOut: z.boolean().optional(),
    provider: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "--provider must be the provider number (letters, digits, dashes)"),
    client: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "--client must be the client's ND number (letters, digits, dashes)"),
    caregiver: z.string().regex(/^[A-Za-z0-9-]{1,20}$/, "--caregiver must be your caregiver ID (1-20 letters, digits, dashes)").optional(),
    tasks: z.string().optional(),
    device: z.string().regex(/^([0-9a-fA-F]{2}[:-]?){5}[0-9a-fA-F]{2}$/, "--device must be a BLE address like c4:7a:10:00:00:01").optional(),
    baud: z.coerce.number().int().positive("--baud must be a positive whole number"),
    log: z.string().min(1),
    readerId: z.string().min(1).max(64),
    scanTimeout: positiveMs("--scan-timeout"),
    timeout: positiveMs("--timeout"),
    roster: z.string().min(1, "--roster needs a file path").optional(),
    json: z.boolean().optional(),
    readerKey: z.string().min(1).optional(),
  })
  .superRefine((o, ctx) => {
    const sources = [o.ble, o.serial !== undefined, o.typed !== undefined].filter(Boolean).length;
    if (sources !== 1) ctx.addIssue({ code: "custom", path: ["ble"], message: "give exactly one of --ble, --serial <path> or --typed <code>" });
    if (Boolean(o.checkIn) === Boolean(o.checkOut)) ctx.addIssue({ code: "custom", path: ["checkIn"], message: "give exactly one of --check-in or --check-out" });
    if (o.tasks !== undefined && !o.checkOut) ctx.addIssue({ code: "custom", path: ["tasks"], message: "--tasks belongs to --check-out" });
    if (o.device !== undefined && !o.ble) ctx.addIssue({ code: "custom", path: ["device"], message: "--device is for --ble reads" });
  });
type ReadOptions = z.infer<typeof readOptions>;

export function registerReadCommand(program: Command): void {
  program
    .command("read")
    .description("read a fob (BLE or serial challenge, or a typed display code) and record a check-in or check-out for HHS to verify; no key needed")
    .option("--ble", "scan for fobs over Bluetooth LE, choose the nearest, connect and challenge it")
    .option("--serial <path>", "challenge a fob on this serial console (e.g. /dev/ttyACM0)")
    .option("--typed <code>", 'a display code as typed, e.g. "1234 5678 9012"')
    .option("--check-in", "log this read as the visit's check-in")
    .option("--check-out", "log this read as the visit's check-out")
    .requiredOption("--provider <number>", "your QSP provider number")
    .requiredOption("--client <ndNumber>", "the client's ND number")
    .option("--caregiver <id>", "your caregiver ID (an agency's employee ID; an individual QSP may leave it out: it is the provider number)")
    .option("--tasks <list>", `tasks performed, comma-separated (check-out only): ${knownTaskNames().join(", ")}`)
    .addOption(new Option("--roster <file>", `the providers and clients HHS exported for this reader (evv export roster); default ${DEFAULT_ROSTER} when present`).env("EVV_ROSTER"))
    .option("--device <address>", "with --ble: read this fob (BLE address) instead of the nearest")
    .option("--baud <rate>", "serial baud rate", String(DEFAULT_SERIAL_BAUD))
    .option("--log <path>", "visit log to append to (JSON Lines)", DEFAULT_LOG)
    .addOption(new Option("--reader-id <id>", "this reader installation's id").env("EVV_READER_ID").default(`reader-${hostname()}`))
    .option("--scan-timeout <ms>", "give up when no fob is heard within this", "15000")
    .option("--timeout <ms>", "wait this long for each answer from the device", "4000")
    .option("--json", "print the captured reading as JSON")
    .addOption(new Option("--reader-key <path>", "submit to the intake service this reader is enrolled with (evv reader enroll) instead of the visit log").env("EVV_READER_KEY"))
    .addHelpText(
      "after",
      "\nA recorded reading is not an approval: HHS verifies the visit later.\n" +
        "Exit codes: 0 recorded (in the visit log, or submitted to the service, or queued for it); 2 usage; 3 a typed code failed its check digit, or a provider, client or task is not known (nothing recorded); 4 device or link failed (nothing recorded; the message says what to try); 5 the service refused the reading.\n" +
        "BLE uses the system adapter, or an HCI controller on a UART with BLUETOOTH_HCI_SOCKET_UART_PORT=<path>.",
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = readOptions.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new CliError(issue.message, EXIT_USAGE);
      }
      await runRead(parsed.data);
    });
}

async function runRead(o: ReadOptions): Promise<void> {
  const tasks = o.tasks
    ?.split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const entry = checkVisitEntry({ provider: o.provider, client: o.client, tasks, roster: o.roster });
  if (entry.problems.length > 0) throw new CliError(`${entry.problems.join("\n")}\nNothing was recorded.`, EXIT_BAD_INPUT);
  if (!o.json) for (const warning of entry.warnings) process.stderr.write(`· note: ${warning}\n`);
  const enrolled = o.readerKey !== undefined ? readerForSubmission(o.readerKey, o.provider) : null;
  const context: VisitContext = {
    readerId: enrolled?.readerId ?? o.readerId,
    providerNumber: o.provider,
    caregiverId: o.caregiver,
    clientNdNumber: o.client,
    event: o.checkIn ? "check-in" : "check-out",
    tasks: entry.tasks,
  };
  const progress = (message: string) => {
    if (!o.json) process.stderr.write(`· ${message}\n`);
  };
  let capture: Capture;
  let status: StatusAnswerLine | null = null;
  let statusProblem: string | null = null;
  let choiceReason: string | undefined;
  let choice: unknown;
  let timings: unknown;
  try {
    if (o.typed !== undefined) {
      const code = normalizeDisplayCode(o.typed.trim());
      const problem = displayCodeProblem(code);
      if (problem) throw new CliError(`${JSON.stringify(o.typed)} is not a visit code: ${problem}. Nothing was recorded; check the fob's display and type it again.`, EXIT_BAD_INPUT);
      capture = { method: "typed", transport: "keyboard", typedCode: code };
    } else if (o.serial !== undefined) {
      progress(`challenging the fob on ${o.serial} at ${o.baud} baud`);
      const result = await readOverSerial(o.serial, o.baud, o.timeout);
      capture = result.capture;
      status = result.outcome.status;
      statusProblem = result.outcome.statusProblem;
    } else {
      progress("scanning for fobs");
      const result = await readOverBle({
        scanTimeoutMs: o.scanTimeout,
        answerTimeoutMs: o.timeout,
        connectTimeoutMs: Math.max(o.timeout, 8000),
        device: o.device,
        onProgress: progress,
      });
      capture = result.capture;
      status = result.outcome?.status ?? null;
      statusProblem = result.outcome?.statusProblem ?? null;
      choiceReason = result.choice.reason;
      choice = {
        chosen: { address: result.choice.chosen.address, meanRssi: result.choice.chosen.meanRssi, frames: result.choice.chosen.frames },
        others: result.choice.others.map((d) => ({ address: d.address, meanRssi: d.meanRssi, frames: d.frames })),
        reason: result.choice.reason,
      };
      timings = result.timings;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof LinkError && error.fault === "refused" && error.message.includes(`: ${ERR_CLOCK}`)) {
      throw new CliError(
        "read failed: the fob's clock is not set (it lost power), so it cannot prove a visit until HHS syncs its time (evv device sync-time). Nothing was recorded; note the visit by hand and report the fob to HHS.",
        EXIT_DEVICE,
      );
    }
    if (error instanceof LinkError)
      throw new CliError(`read failed: ${error.message}. Nothing was recorded.\nWhat to do: ${linkAdvice(error.fault, o.serial !== undefined ? "serial" : "ble")}.`, EXIT_DEVICE);
    throw new CliError(`read failed: ${(error as Error).message}. Nothing was recorded.`, EXIT_FAILURE);
  }

  const record = buildReading(context, capture);
  if (enrolled && o.readerKey !== undefined) {
    const submitted = await submitToService(o.readerKey, enrolled, record);
    if (o.json) process.stdout.write(JSON.stringify({ reading: record, status, statusProblem, choice, timings, service: submitted.json }, null, 2) + "\n");
    else process.stdout.write([...summaryLines({ reading: record, status, statusProblem, choiceReason }), ...submitted.lines].join("\n") + "\n");
    return;
  }
  let appended;
  try {
    appended = appendToVisitLog(o.log, record);
  } catch (error) {
    throw new CliError(`could not write the visit log ${o.log}: ${(error as Error).message}`, EXIT_FAILURE);
  }
  const frame = record.frame ? decodeFrame(fromHex(record.frame)!) : null;
  if (o.json) {
    process.stdout.write(JSON.stringify({ reading: record, status, statusProblem, choice, timings, log: appended, warnings: entry.warnings }, null, 2) + "\n");
    return;
  }
  const lines = summaryLines({ reading: record, status, frameStep: frame?.step, frameStatus: frame?.status, choiceReason, statusProblem });
  if (record.typedCode) lines.unshift(`Code      ${groupDisplayCode(record.typedCode)} (check digit correct; the verifier checks the rest)`);
  const who = (name: string | null, number: string) => (name ? `${name} (${number})` : number);
  lines.push(`Recorded  ${record.event} for client ${who(entry.clientName, record.clientNdNumber)} by provider ${who(entry.providerName, record.providerNumber)} in ${appended.path} (reading ${record.readingId})`);
  lines.push("          Not yet approved: HHS will verify this visit.");
  if (appended.partialLineFound) lines.push(`Warning   ${appended.path} ended in a partial line (an earlier interrupted write); this record starts on a new line`);
  process.stdout.write(lines.join("\n") + "\n");
}
