// The reader's roster: the providers, clients and tasks it checks what a caregiver types
// against, so a typo is caught at the door and not days later by the verifier. HHS exports it
// from the verifier's database (`evv export roster`); it holds numbers and names, never a key.
// The policy fixes no format for ND or provider numbers: `formats` lets HHS set one.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ndNumber, providerNumber } from "../domain/identifiers.js";
import { describeJsonSyntaxProblem } from "../domain/jsonSyntaxProblem.js";
import { describeIssue } from "../domain/inputFile.js";

const pattern = z.string().refine((p) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}, "must be a regular expression");

export const roster = z.object({
  /** When HHS exported it, ISO 8601. */
  exportedAt: z.string().optional(),
  providers: z.array(z.object({ providerNumber, name: z.string().min(1) })),
  clients: z.array(z.object({ ndNumber, name: z.string().min(1) })),
  /** Provider and client pairs with an authorization (a read for another pair is recorded, with a warning). */
  authorizedPairs: z.array(z.object({ providerNumber, clientNdNumber: ndNumber })).default([]),
  /** Optional formats (regular expressions, whole match) a number must have. */
  formats: z.object({ providerNumber: pattern.optional(), clientNdNumber: pattern.optional() }).default({}),
});
export type Roster = z.infer<typeof roster>;

export class RosterError extends Error {}

export function readRoster(path: string): Roster {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new RosterError(`cannot read the roster ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RosterError(`the roster ${describeJsonSyntaxProblem(path, text, error as Error)}`);
  }
  const parsed = roster.safeParse(raw);
  if (!parsed.success) throw new RosterError(`the roster ${parsed.error.issues.slice(0, 3).map((i) => describeIssue(path, i)).join("; ")}`);
  return parsed.data;
}

export interface RosterCheck {
  /** Sentences that refuse the read (nothing is recorded). */
  problems: string[];
  /** Sentences that warn but record. */
  warnings: string[];
  providerName: string | null;
  clientName: string | null;
}

/** Checks a provider and client number against the roster, in plain words. */
export function checkAgainstRoster(r: Roster, providerNumber: string, clientNdNumber: string): RosterCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const formatProblem = (value: string, format: string | undefined, what: string, flag: string) =>
    format !== undefined && !new RegExp(`^(?:${format})$`).test(value) ? `${flag} ${value}: not a ${what} as HHS writes them (the roster's format is ${format})` : null;
  const providerFormat = formatProblem(providerNumber, r.formats.providerNumber, "provider number", "--provider");
  const clientFormat = formatProblem(clientNdNumber, r.formats.clientNdNumber, "client ND number", "--client");
  if (providerFormat) problems.push(providerFormat);
  if (clientFormat) problems.push(clientFormat);
  // Exact matches only (the verifier matches numbers exactly); a difference in case is pointed out.
  const provider = r.providers.find((p) => p.providerNumber === providerNumber);
  const client = r.clients.find((c) => c.ndNumber === clientNdNumber);
  const meant = (known: string | undefined) => (known === undefined ? "" : ` (did you mean ${known}?)`);
  if (!providerFormat && !provider)
    problems.push(
      `--provider ${providerNumber}: no provider has this number in the roster; check your provider number` +
        meant(r.providers.find((p) => p.providerNumber.toLowerCase() === providerNumber.toLowerCase())?.providerNumber),
    );
  if (!clientFormat && !client)
    problems.push(
      `--client ${clientNdNumber}: no client has this ND number in the roster; check the client's ND number` +
        meant(r.clients.find((c) => c.ndNumber.toLowerCase() === clientNdNumber.toLowerCase())?.ndNumber),
    );
  if (provider && client && !r.authorizedPairs.some((a) => a.providerNumber === provider.providerNumber && a.clientNdNumber === client.ndNumber))
    warnings.push(`${provider.name} (${provider.providerNumber}) has no authorization for ${client.name} (${client.ndNumber}) in the roster; the visit is recorded, but HHS may not pay it`);
  return { problems, warnings, providerName: provider?.name ?? null, clientName: client?.name ?? null };
}
