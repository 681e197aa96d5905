// `evv caregiver ...`: HHS (or a QSP at HHS's console) administers intake on the database: issue a
// caregiver's one-time enrollment or password code, list and revoke readers, add an HTTP admin
// credential for `evv serve`. Each change is an audit-log entry, sealed like every writer's (so these
// commands open the keystore: --keystore, --passphrase-file). `evv throttle reset` unlocks typed entry.
import { userInfo } from "node:os";
import { Command, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { AccountError, IntakeAccounts } from "../../service/intakeAccounts.js";
import { addCredential } from "../../service/serviceCredentials.js";
import { resetTypedThrottle } from "../../verifier/throttleReset.js";
import { DEFAULT_CREDENTIALS } from "./serve.js";

const providerNumber = z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "--provider must be the provider number (letters, digits, dashes)");
const caregiverId = z.string().min(1, "--caregiver must not be empty").max(64, "--caregiver must be at most 64 characters");
const who = () => {
  try {
    return userInfo().username;
  } catch {
    return "hhs";
  }
};

function parsed<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new CliError(result.error.issues[0].message, EXIT_USAGE);
  return result.data;
}

/** `writes`: the command appends to the audit log, so it takes the keystore options too (the entry is sealed). */
function withDb(command: Command, writes = true): Command {
  for (const option of verifierStoreOptions()) if (writes || option.long === "--db") command.addOption(option);
  return command.option("--by <name>", "who at HHS or the QSP does this (audit log)", who()).option("--json", "print the result as JSON");
}

const storeOptions = { db: z.string(), keystore: z.string().optional(), passphraseFile: z.string().optional() };

/** Opens the database; with a keystore (the commands that write the audit log) every entry is sealed. */
function withAccounts<T>(paths: { db: string; keystore?: string; passphraseFile?: string }, run: (accounts: IntakeAccounts, db: ReturnType<typeof openVerifierStores>["db"]) => T): T {
  const stores = openVerifierStores({ db: paths.db, keystore: paths.keystore ?? "", passphraseFile: paths.passphraseFile }, { needKeystore: paths.keystore !== undefined });
  try {
    return run(new IntakeAccounts(stores.db), stores.db);
  } catch (error) {
    if (error instanceof AccountError) throw new CliError(error.message, error.status === 404 ? EXIT_BAD_INPUT : EXIT_USAGE);
    throw error;
  } finally {
    stores.close();
  }
}

const print = (json: boolean | undefined, value: unknown, text: string) => process.stdout.write(json ? JSON.stringify(value, null, 2) + "\n" : text + "\n");

export function registerCaregiverCommands(program: Command): void {
  const group = program.command("caregiver").description("HHS or QSP: enroll caregivers' readers, revoke readers, admin credentials for evv serve");

  withDb(
    group
      .command("enroll")
      .description("issue a caregiver's one-time code: to enroll a reader (default) or to set a password for signing in on a shared computer")
      .requiredOption("--provider <number>", "the caregiver's QSP provider number")
      .requiredOption("--caregiver <id>", "the caregiver's ID within the provider")
      .option("--purpose <purpose>", "reader | password", "reader")
      .option("--valid-hours <hours>", "the code expires after this", "72"),
  ).action((raw: Record<string, unknown>) => {
    const o = parsed(
      z.object({ ...storeOptions, by: z.string().min(1), json: z.boolean().optional(), provider: providerNumber, caregiver: caregiverId, purpose: z.enum(["reader", "password"], { message: "--purpose must be reader or password" }), validHours: z.coerce.number().positive("--valid-hours must be positive").max(720, "--valid-hours must be at most 720") }),
      raw,
    );
    const issued = withAccounts(o, (accounts) => accounts.issueCode({ providerNumber: o.provider, caregiverId: o.caregiver }, o.purpose, o.by, o.validHours));
    print(o.json, { ...issued, purpose: o.purpose, providerNumber: o.provider, caregiverId: o.caregiver }, `${o.purpose === "reader" ? "Enrollment" : "Password"} code for caregiver ${o.caregiver} of provider ${o.provider}: ${issued.code}\nValid once, until ${issued.expiresAt}. ${o.purpose === "reader" ? "On the reader: evv reader enroll --service <url> --code " + issued.code : "Set the password with POST /v1/caregivers/password."}`);
  });

  withDb(group.command("readers").description("list enrolled readers").option("--provider <number>", "only this provider's").option("--caregiver <id>", "only this caregiver's"), false).action(
    (raw: { db: string; provider?: string; caregiver?: string; json?: boolean }) => {
      const readers = withAccounts({ db: raw.db }, (accounts) => accounts.readers({ providerNumber: raw.provider, caregiverId: raw.caregiver }));
      const rows = readers.map((r) => ({ readerId: r.reader_id, providerNumber: r.provider_number, caregiverId: r.caregiver_id, kind: r.kind, enrolledAt: new Date(r.enrolled_ms).toISOString(), lastCounter: r.last_counter, revokedAt: r.revoked_ms === null ? null : new Date(r.revoked_ms).toISOString() }));
      print(raw.json, rows, rows.length === 0 ? "no readers enrolled" : rows.map((r) => `${r.readerId}  ${r.providerNumber}/${r.caregiverId}  ${r.kind}  enrolled ${r.enrolledAt}  counter ${r.lastCounter}${r.revokedAt ? `  REVOKED ${r.revokedAt}` : ""}`).join("\n"));
    },
  );

  withDb(
    group
      .command("revoke-reader")
      .description("revoke a reader: the service refuses it from now (or --from), and the verifier refuses its readings received since")
      .argument("<readerId>", "the reader (evv caregiver readers)")
      .requiredOption("--reason <text>", "why (audit log)")
      .option("--from <time>", "revoked since this time (ISO 8601), e.g. when the device was lost; default now"),
  ).action((readerId: string, raw: Record<string, unknown>) => {
    const o = parsed(z.object({ ...storeOptions, by: z.string().min(1), json: z.boolean().optional(), reason: z.string().min(1, "--reason must not be empty"), from: z.string().datetime({ offset: true, message: "--from must be an ISO 8601 time with offset" }).optional() }), raw);
    const reader = withAccounts(o, (accounts) => accounts.revokeReader(readerId, o.by, o.reason, o.from ? Date.parse(o.from) : undefined));
    print(o.json, { readerId, revokedAt: new Date(reader.revoked_ms!).toISOString(), by: o.by, reason: o.reason }, `reader ${readerId} revoked from ${new Date(reader.revoked_ms!).toISOString()}`);
  });

  group
    .command("credential")
    .description("add an HTTP admin credential for evv serve (HHS: every provider; --provider: a QSP's, its own only); prints the token once")
    .requiredOption("--name <name>", "whose credential (audit log)")
    .option("--provider <number>", "a QSP credential for this provider only")
    .addOption(new Option("--credentials <file>", "the credentials file evv serve reads").env("EVV_CREDENTIALS").default(DEFAULT_CREDENTIALS))
    .action((raw: { name: string; provider?: string; credentials: string }) => {
      if (raw.provider !== undefined) parsed(providerNumber, raw.provider);
      let token: string;
      try {
        token = addCredential(raw.credentials, raw.name, raw.provider);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      process.stdout.write(`${token}\n`);
      process.stderr.write(`credential ${JSON.stringify(raw.name)} added to ${raw.credentials}; send SIGHUP to a running evv serve to load it. The token is shown only now.\n`);
    });

  const throttle = program.command("throttle").description("HHS: the typed-code throttle");
  withDb(
    throttle
      .command("reset")
      .description("unlock typed entry for a provider and client locked by wrong codes; codes received from now on count afresh (audit log)")
      .requiredOption("--provider <number>", "the provider number")
      .requiredOption("--client <ndNumber>", "the client's ND number")
      .requiredOption("--reason <text>", "why (audit log)"),
  ).action((raw: Record<string, unknown>) => {
    const o = parsed(z.object({ ...storeOptions, by: z.string().min(1), json: z.boolean().optional(), provider: providerNumber, client: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "--client must be the client's ND number"), reason: z.string().min(1, "--reason must not be empty") }), raw);
    const reset = withAccounts(o, (_accounts, db) => resetTypedThrottle(db, { providerNumber: o.provider, clientNdNumber: o.client, by: o.by, reason: o.reason }));
    print(o.json, reset, `typed-code throttle of provider ${o.provider} and client ${o.client} reset (after receipt ${reset.afterReceivedSeq}); run evv verify to apply it`);
  });
}
