// The tester's command options, parsed by commander and checked with zod (errors name the flag).
import { z } from "zod";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";

/** A number given as text; anything else is refused naming the flag and what it takes. */
const numberFlag = (flag: string, allowed: string) => z.coerce.number({ message: `${flag} must be ${allowed}` });

const hex = (bytes: number, flag: string) =>
  z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `${flag} must be ${bytes * 2} hex digits`);

export const SimOptionsSchema = z
  .object({
    board: z.enum(BOARD_NAMES, { message: `--board must be one of ${BOARD_NAMES.join(", ")}` }),
    bundle: z.string().min(1).optional(),
    stock: z.boolean().default(false),
    id: hex(4, "--id").optional(),
    key: hex(32, "--key").optional(),
    masterKey: hex(32, "--master-key").optional(),
    keyVersion: numberFlag("--key-version", "a whole number from 1 to 255").int("--key-version must be a whole number 1..255").min(1, "--key-version must be 1..255").max(255, "--key-version must be 1..255").default(1),
    lock: z.boolean().default(false),
    start: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), "--start must be an ISO date-time, e.g. 2026-11-22T14:00:00Z")
      .optional(),
    driftPpm: numberFlag("--drift-ppm", "a number of parts per million from -100000 to 100000, e.g. 40").min(-100000, "--drift-ppm must be -100000..100000").max(100000, "--drift-ppm must be -100000..100000").default(0),
    battery: numberFlag("--battery", "a percent from 0 to 100").min(0, "--battery must be 0..100").max(100, "--battery must be 0..100").default(100),
    speed: numberFlag("--speed", "a number above 0: 1 is real time, 60 makes a minute pass each second").positive("--speed must be above 0: 1 is real time, 60 makes a minute pass each second").default(1),
    storage: z.string().min(1).optional(),
    script: z.string().optional(),
  })
  .refine((o) => !(o.key && o.masterKey), { message: "give --key or --master-key, not both" })
  .refine((o) => !((o.key || o.masterKey) && !o.id), { message: "--key/--master-key need --id" })
  .refine((o) => !(o.lock && !(o.key || o.masterKey)), { message: "--lock needs a key (--key or --master-key) and --id" })
  .refine((o) => !(o.stock && (o.bundle || o.id || o.key || o.masterKey || o.lock)), {
    message: "--stock starts a board with no firmware: it takes no --bundle, --id, --key, --master-key or --lock (provision it with evv device provision)",
  });

export type SimOptions = z.output<typeof SimOptionsSchema>;
