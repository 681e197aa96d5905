// zod schemas for every answer line of the UART command protocol the reader uses
// (protocol/uartCommands.ts). Each answer is split into words and checked word by word,
// so a malformed line is rejected with the field that is wrong.
import { z } from "zod";
import { CMD_CHALLENGE, CMD_CODE, CMD_JOURNAL, CMD_STATUS, CMD_SYNC, CMD_SYNC_REQUEST, uartWords } from "../../protocol/uartCommands.js";
import { LinkError } from "./linkError.js";

const lowerHex = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes * 2} hex digits`)
    .transform((s) => s.toLowerCase());
const u32 = z
  .string()
  .regex(/^[0-9]{1,10}$/, "must be an unsigned decimal")
  .transform(Number)
  .pipe(z.number().int().max(0xffffffff));
const statusByte = lowerHex(1).transform((s) => parseInt(s, 16));

export const challengeAnswerLine = z
  .tuple([z.literal("OK"), z.literal(CMD_CHALLENGE), lowerHex(4), u32, statusByte, u32, lowerHex(16)])
  .transform(([, , deviceId, deviceTime, status, journalSeq, mac]) => ({ deviceId, deviceTime, status, journalSeq, mac }));
export type ChallengeAnswerLine = z.infer<typeof challengeAnswerLine>;

/** A word a locked device leaves out ("-", SPEC.md §10): null. */
const toldOrNot = <T extends z.ZodTypeAny>(word: T) => z.union([z.literal("-").transform(() => null), word]);

/** STATUS; a locked device tells only its board, that it is locked and its firmware (the rest null). */
export const statusAnswerLine = z
  .tuple([
    z.literal("OK"),
    z.literal(CMD_STATUS),
    toldOrNot(lowerHex(4)),
    z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, "must be a board name"),
    toldOrNot(u32),
    toldOrNot(statusByte),
    toldOrNot(u32.pipe(z.number().max(100))),
    toldOrNot(u32),
    z.enum(["0", "1"]).transform((s) => s === "1"),
    z.string().regex(/^[A-Za-z0-9_.+-]{1,32}$/, "must be a firmware version"),
  ])
  .transform(([, , deviceId, board, deviceTime, status, batteryPercent, journalSeq, locked, firmwareVersion]) => ({
    deviceId,
    board,
    deviceTime,
    status,
    batteryPercent,
    journalSeq,
    locked,
    firmwareVersion,
  }));
export type StatusAnswerLine = z.infer<typeof statusAnswerLine>;

export const codeAnswerLine = z
  .tuple([z.literal("OK"), z.literal(CMD_CODE), z.string().regex(/^[0-9]{12}$/, "must be 12 digits"), u32, lowerHex(24)])
  .transform(([, , code, step, frame]) => ({ code, step, frame }));

export const journalAnswerLine = z
  .tuple([z.literal("OK"), z.literal(CMD_JOURNAL), lowerHex(16), u32.pipe(z.number().max(8))], z.string())
  .transform(([, , previousTag, count, ...records]) => ({ previousTag, count, records }))
  .pipe(
    z
      .object({ previousTag: z.string(), count: z.number(), records: z.array(lowerHex(28)) })
      .refine((j) => j.records.length === j.count, { message: "record count does not match", path: ["records"] }),
  );

export const syncRequestAnswerLine = z
  .tuple([z.literal("OK"), z.literal(CMD_SYNC_REQUEST), lowerHex(4), lowerHex(8), u32])
  .transform(([, , deviceId, nonce, deviceTime]) => ({ deviceId, nonce, deviceTime }));

export const syncAnswerLine = z.tuple([z.literal("OK"), z.literal(CMD_SYNC), u32]).transform(([, , time]) => ({ time }));

const errorAnswerLine = z.tuple([z.literal("ERR"), z.string().regex(/^[A-Z]+$/)], z.string());

/**
 * Parses one answer line with its schema. An "ERR <REASON> ..." answer becomes a LinkError
 * "refused"; any other mismatch a LinkError "malformed" that names the first bad word.
 */
export function parseAnswer<S extends z.ZodType>(schema: S, command: string, line: string): z.output<S> {
  const words = uartWords(line);
  const refusal = errorAnswerLine.safeParse(words);
  if (refusal.success) {
    const [, reason, ...text] = refusal.data;
    throw new LinkError("refused", `the device refused ${command}: ${reason}${text.length ? " (" + text.join(" ") + ")" : ""}`);
  }
  const parsed = schema.safeParse(words);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? `word ${Number(issue.path[0]) + 1}` : "the line";
    throw new LinkError(
      "malformed",
      `the answer to ${command} is malformed: ${where} ${issue.message} (got ${JSON.stringify(line.slice(0, 80))})`,
    );
  }
  return parsed.data;
}
