// `evv serve`: runs the HHS visit-intake service (host/service/) on the verifier's database, on a
// thread of its own (host/cli/serveThreadRunner.ts says why); this file is its options.
import { Command, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_USAGE } from "../cliError.js";
import { verifierStoreOptions } from "../verifierStores.js";
import { DEFAULT_LIMITS } from "../../service/serviceContext.js";
import { runServeThread } from "../serveThreadRunner.js";

export const DEFAULT_CREDENTIALS = "evv-credentials.json";

const count = (name: string) => z.coerce.number({ message: `${name} must be a number` }).int(`${name} must be a whole number`).positive(`${name} must be positive`);

export const serveOptions = z
  .object({
    db: z.string().min(1),
    keystore: z.string().min(1),
    passphraseFile: z.string().optional(),
    host: z.string().min(1),
    port: z.coerce.number({ message: "--port must be a number" }).int().min(0, "--port must be 0 to 65535").max(65535, "--port must be 0 to 65535"),
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    selfSigned: z.string().optional(),
    plainHttp: z.boolean().optional(),
    credentials: z.string().min(1),
    ratePerAddress: count("--rate-per-address"),
    ratePerReader: count("--rate-per-reader"),
    bodyLimit: count("--body-limit"),
    maxWait: count("--max-wait"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "--log-level must be fatal, error, warn, info, debug, trace or silent" }),
  })
  .superRefine((o, ctx) => {
    const ways = [o.tlsCert !== undefined || o.tlsKey !== undefined, o.selfSigned !== undefined, Boolean(o.plainHttp)].filter(Boolean).length;
    if (ways !== 1) ctx.addIssue({ code: "custom", path: ["tlsCert"], message: "give one of --tls-cert <pem> with --tls-key <pem>, --self-signed <dir>, or --plain-http (loopback only)" });
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) ctx.addIssue({ code: "custom", path: ["tlsKey"], message: "--tls-cert and --tls-key go together" });
    if (o.plainHttp && !["127.0.0.1", "::1", "localhost"].includes(o.host)) ctx.addIssue({ code: "custom", path: ["plainHttp"], message: "--plain-http only on a loopback --host (127.0.0.1, ::1, localhost)" });
  });

export function registerServeCommand(program: Command): void {
  const command = program
    .command("serve")
    .description("run the HHS visit-intake service: reader enrollment, signed reading submission (durable before acknowledged), caregiver sign-in")
    .option("--host <address>", "address to listen on", "0.0.0.0")
    .option("--port <port>", "port to listen on (0: any free port)", "8443")
    .option("--tls-cert <pem>", "the service's TLS certificate (PEM)")
    .option("--tls-key <pem>", "its private key (PEM)")
    .option("--self-signed <dir>", "for trying it out: a self-signed certificate kept in this directory (made when absent)")
    .option("--plain-http", "no TLS (loopback --host only, e.g. behind a TLS proxy on the same machine)")
    .addOption(new Option("--credentials <file>", "HHS and QSP admin credentials (evv caregiver credential)").env("EVV_CREDENTIALS").default(DEFAULT_CREDENTIALS))
    .option("--rate-per-address <n>", "requests a minute from one address", String(DEFAULT_LIMITS.perAddressPerMinute))
    .option("--rate-per-reader <n>", "readings a minute from one reader or session", String(DEFAULT_LIMITS.perReaderPerMinute))
    .option("--body-limit <bytes>", "largest request body", String(DEFAULT_LIMITS.bodyBytes))
    .option("--max-wait <ms>", "answer 503 when the database stays busy this long", "30000")
    .option("--log-level <level>", "structured (JSON) log level", "info")
    .addHelpText(
      "after",
      "\nLogs are JSON lines (pino) on stdout. SIGTERM or SIGINT stops it gracefully: no new connections, requests in flight answered, waiting readings committed. SIGHUP reloads the credentials file.\n" +
        "The keystore (--keystore, passphrase from --passphrase-file or EVV_PASSPHRASE) is opened once at start, only to derive the key that seals the\n" +
        "audit entries the service writes (enrollments, revocations, passwords, each batch of readings); the master keys are not kept.\n" +
        "Exit codes: 0 stopped; 2 usage; 3 no keystore or wrong passphrase, an audit log this keystore did not seal last, unreadable certificate or credentials file.",
    );
  for (const option of verifierStoreOptions()) command.addOption(option);
  command.action(async (raw: Record<string, unknown>) => {
    const parsed = serveOptions.safeParse(raw);
    if (!parsed.success) throw new CliError(parsed.error.issues[0].message, EXIT_USAGE);
    await runServeThread(parsed.data);
  });
}

export type ServeOptions = z.infer<typeof serveOptions>;
