// `evv device provision --tap-url`: the base URL of the fob's NFC tap is checked before anything
// is opened or sent (host/provisioning/tapUrl.ts: the firmware's rule, protocol/nfcForm.ts, plus
// WHATWG URL parsing); a bad one is a usage error (exit 2) naming the option and what is wrong.
import { describe, expect, it } from "vitest";
import { tapUrl } from "../../host/provisioning/tapUrl.js";
import { runEvv } from "../e2e/runEvv.js";

const problem = (url: string) => {
  const parsed = tapUrl.safeParse(url);
  return parsed.success ? null : parsed.error.issues.map((i) => i.message).join("; ");
};

describe("the --tap-url value", () => {
  it("accepts the service's web app over https, with a port or a query", () => {
    expect(problem("https://hhs.example/app/")).toBeNull();
    expect(problem("https://evv.hhs.nd.gov:8443/app/?fob=1")).toBeNull();
  });

  it("refuses http, a # part, spaces, credentials, a malformed host and more than 100 characters, saying why", () => {
    expect(problem("http://hhs.example/app/")).toMatch(/^must start with https:\/\//);
    expect(problem("https://hhs.example/app/#frame")).toMatch(/# part/);
    expect(problem("https://hhs.example/my app/")).toMatch(/printable ASCII only, no spaces/);
    expect(problem("https://hhs:secret@hhs.example/app/")).toMatch(/user name or password/);
    expect(problem("https://[nope/app/")).toMatch(/^not a URL/);
    expect(problem("https://hhs.example/" + "a".repeat(81))).toMatch(/^at most 100 characters/);
  });

  it("is a usage error from the command, before any device or keystore is opened", async () => {
    const run = await runEvv(["device", "provision", "--serial", "/nonexistent/tty", "--board", "puckjs", "--tap-url", "http://hhs.example/app/", "--json"], { EVV_KEYSTORE: "/nonexistent/keys.json", EVV_PASSPHRASE: "" });
    expect(run.code).toBe(2);
    const error = (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("USAGE");
    expect(error.message).toBe('--tap-url: must start with https:// (phones open https links; http is refused): "http://hhs.example/app/"');
  });

  it("is described in `evv device provision --help`", async () => {
    const help = await runEvv(["device", "provision", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, " ")).toContain("--tap-url <url> base URL of the NFC tap");
  });
});
