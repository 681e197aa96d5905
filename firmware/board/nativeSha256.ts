// SHA-256 from the interpreter (Puck.js v2, Bangle.js 2): require("crypto").SHA256 returns an
// ArrayBuffer on Espruino, wrapped here so protocol/ gets the Uint8Array it expects.
import type { HashFunction } from "../../protocol/hashFunction.js";
import { crypto } from "../espruino/espruinoGlobals.js";

export function nativeSha256(): HashFunction {
  const sha256 = crypto().SHA256;
  if (sha256 === undefined) throw new Error("this board has no native SHA256");
  return function (message: Uint8Array): Uint8Array {
    return new Uint8Array(sha256(message));
  };
}
