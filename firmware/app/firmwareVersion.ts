/** Reported by STATUS; bump with every firmware change that a reader or verifier may need to know of. */
export const FIRMWARE_VERSION = "0.1.0";
