// The keystore file: HHS master keys sealed with a passphrase (scrypt → AES-256-GCM).
// On disk only the KDF parameters, the IV, the ciphertext and the tag: never a key in the clear.
import { z } from "zod";

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64");

export const keystoreFile = z.object({
  format: z.literal("evv-keystore"),
  formatVersion: z.literal(1),
  kdf: z.object({
    name: z.literal("scrypt"),
    salt: base64,
    // Weaker than the default opens once and is re-sealed; the upper bounds keep a crafted file
    // from asking for more memory than a machine has (2^20 × 8 × 128 bytes = 1 GiB).
    N: z
      .number()
      .int()
      .min(1024)
      .max(2 ** 20)
      .refine((n) => (n & (n - 1)) === 0, "must be a power of 2"),
    r: z.number().int().min(1).max(8),
    p: z.number().int().min(1).max(4),
  }),
  cipher: z.literal("aes-256-gcm"),
  iv: base64,
  ciphertext: base64,
  tag: base64,
});
export type KeystoreFile = z.infer<typeof keystoreFile>;

/** What the ciphertext decrypts to. */
export const keystoreContents = z.object({
  currentVersion: z.number().int().min(1).max(255),
  keys: z
    .array(
      z.object({
        version: z.number().int().min(1).max(255),
        key: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 hex digits"),
        createdAt: z.string(),
      }),
    )
    .min(1),
});
export type KeystoreContents = z.infer<typeof keystoreContents>;
