// protocol/: the one implementation of the visit-code scheme, shared by firmware and host.
export * from "./hashFunction.js";
export * from "./bytes.js";
export * from "./sha256.js";
export * from "./hmac.js";
export * from "./domains.js";
export * from "./deviceKey.js";
export * from "./timeStep.js";
export * from "./checkDigit.js";
export * from "./displayCode.js";
export * from "./frame.js";
export * from "./challenge.js";
export * from "./timeSync.js";
export * from "./keyedRead.js";
export * from "./journal.js";
export * from "./nfcForm.js";
export * from "./uartCommands.js";
export * from "./localTime.js";
