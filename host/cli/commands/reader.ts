// `evv reader ...`: the caregiver's reader and the HHS intake service. `enroll` makes this
// reader's key pair (the private key stays in a 0600 file) and registers the public key with a
// one-time code; `send` sends readings queued while offline; `status` shows the enrollment.
import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_DEVICE, EXIT_REJECTED, EXIT_USAGE } from "../cliError.js";
import { DEFAULT_READER_KEY, newReaderKeyPair, readReaderKey, writeReaderKey } from "../../reader/readerKeyFile.js";
import { IntakeClient, ServiceUnreachable } from "../../reader/intakeClient.js";
import { queued, queuePathOf } from "../../reader/submissionQueue.js";
import { sendQueued } from "../../reader/serviceSubmission.js";

const keyOption = () => new Option("--key <path>", "this reader's key file (0600)").env("EVV_READER_KEY").default(DEFAULT_READER_KEY);

const enrollOptions = z.object({
  service: z.string().url("--service must be the service's URL, e.g. https://evv.hhs.example:8443"),
  code: z.string().min(16, "--code must be the 16-symbol enrollment code, e.g. ABCD-EFGH-JKMN-PQRS"),
  serviceCa: z.string().optional(),
  key: z.string().min(1),
  force: z.boolean().optional(),
  json: z.boolean().optional(),
});

export function registerReaderCommands(program: Command): void {
  const group = program.command("reader").description("this reader and the HHS intake service: enroll with a one-time code, send queued readings");

  group
    .command("enroll")
    .description("make this reader's key pair and register its public key with the service, using the caregiver's one-time enrollment code")
    .addOption(new Option("--service <url>", "the intake service").env("EVV_SERVICE").makeOptionMandatory())
    .requiredOption("--code <code>", "the one-time enrollment code from HHS or your QSP")
    .addOption(new Option("--service-ca <pem>", "trust this certificate for the service (a self-signed one)").env("EVV_SERVICE_CA"))
    .addOption(keyOption())
    .option("--force", "replace an existing key file (its queued readings must be sent first)")
    .option("--json", "print the enrollment as JSON")
    .addHelpText("after", "\nExit codes: 0 enrolled; 2 usage; 3 refused code or existing key; 4 service unreachable.")
    .action(async (raw: Record<string, unknown>) => {
      const parsed = enrollOptions.safeParse(raw);
      if (!parsed.success) throw new CliError(parsed.error.issues[0].message, EXIT_USAGE);
      const o = parsed.data;
      if (existsSync(o.key) && !o.force) throw new CliError(`${o.key} exists: this reader is enrolled already (--force replaces it)`, EXIT_BAD_INPUT);
      if (existsSync(o.key) && queued(queuePathOf(o.key)).length > 0) throw new CliError(`${queuePathOf(o.key)} still holds readings: send them first (evv reader send)`, EXIT_BAD_INPUT);
      const pair = newReaderKeyPair();
      const client = new IntakeClient(o.service, o.serviceCa);
      let answer;
      try {
        answer = await client.post("/v1/readers", { enrollmentCode: o.code, publicKey: pair.publicKey, kind: "cli" });
      } catch (error) {
        if (error instanceof ServiceUnreachable) throw new CliError(`cannot reach the service: ${error.message}`, EXIT_DEVICE);
        throw error;
      } finally {
        await client.close();
      }
      if (answer.status !== 201) throw new CliError(`enrollment refused (${answer.status}): ${String(answer.body.error ?? "")}`, EXIT_BAD_INPUT);
      const body = answer.body as { readerId: string; providerNumber: string; caregiverId: string };
      writeReaderKey(o.key, { version: 1, service: o.service, ...(o.serviceCa ? { serviceCa: o.serviceCa } : {}), readerId: body.readerId, providerNumber: body.providerNumber, caregiverId: body.caregiverId, publicKey: pair.publicKey, privateKeyPem: pair.privateKeyPem, counter: 0 });
      if (o.json) process.stdout.write(JSON.stringify({ ...body, key: o.key, service: o.service }, null, 2) + "\n");
      else process.stdout.write(`Enrolled reader ${body.readerId} for caregiver ${body.caregiverId} of provider ${body.providerNumber}; key in ${o.key} (keep it private).\n`);
    });

  group
    .command("send")
    .description("send the readings queued while the service could not be reached")
    .addOption(keyOption())
    .option("--json", "print the outcome as JSON")
    .addHelpText("after", "\nExit codes: 0 all sent (or nothing queued); 4 service unreachable, readings still queued; 5 the service refused some (kept in <queue>.refused.jsonl).")
    .action(async (raw: { key: string; json?: boolean }) => {
      let result;
      try {
        result = await sendQueued(raw.key);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      const { outcome, queuePath } = result;
      if (raw.json) process.stdout.write(JSON.stringify({ queue: queuePath, ...outcome }, null, 2) + "\n");
      else {
        process.stdout.write(`sent ${outcome.sent.length}, refused ${outcome.refused.length}, still queued ${outcome.left} (${queuePath})\n`);
        for (const r of outcome.refused) process.stdout.write(`refused ${r.readingId} (${r.status}): ${r.error}\n`);
      }
      if (outcome.stoppedBecause) throw new CliError(`stopped: ${outcome.stoppedBecause}; ${outcome.left} reading(s) still queued`, EXIT_DEVICE);
      if (outcome.refused.length > 0) throw new CliError(`the service refused ${outcome.refused.length} reading(s)`, EXIT_REJECTED);
    });

  group
    .command("status")
    .description("show this reader's enrollment and queue")
    .addOption(keyOption())
    .action((raw: { key: string }) => {
      let key;
      try {
        key = readReaderKey(raw.key);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      process.stdout.write(
        JSON.stringify({ readerId: key.readerId, providerNumber: key.providerNumber, caregiverId: key.caregiverId, service: key.service, counter: key.counter, queued: queued(queuePathOf(raw.key)).length }, null, 2) + "\n",
      );
    });
}
