// The base URL of a fob's NFC tap (`evv device provision --tap-url`): the phone that touches
// the fob opens <base URL>#<frame hex> (protocol/SPEC.md section 6). The firmware's own rule
// (protocol/nfcForm.ts tapUrlProblem: https, a host, printable ASCII, no # part, at most 100
// characters), and a URL that WHATWG URL parsing accepts as https with a host.
import { z } from "zod";
import { tapUrlProblem } from "../../protocol/index.js";

export const tapUrl = z.string().superRefine((url, ctx) => {
  const problem = tapUrlProblem(url);
  if (problem !== null) return void ctx.addIssue({ code: "custom", message: `${problem}: ${JSON.stringify(url)}` });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return void ctx.addIssue({ code: "custom", message: `not a URL: ${JSON.stringify(url)}` });
  }
  if (parsed.protocol !== "https:" || parsed.hostname === "") ctx.addIssue({ code: "custom", message: `must be an https URL with a host: ${JSON.stringify(url)}` });
  if (parsed.username !== "" || parsed.password !== "") ctx.addIssue({ code: "custom", message: "must not carry a user name or password (every phone that touches the fob would see it)" });
});
export type TapUrl = z.infer<typeof tapUrl>;
