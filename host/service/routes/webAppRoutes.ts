// The caregiver's web app (webapp/, issue 12) at /app/: the page, its style sheet, the script
// and the service worker that keeps them for opening offline, each script bundled with esbuild from webapp/src/main.ts (which imports protocol/ unchanged) on
// the first request and kept in memory. Also registers the client list the app asks for.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { build } from "esbuild";
import type { ServiceContext } from "../serviceContext.js";
import { caregiverClientRoutes } from "./caregiverClientRoutes.js";

const webappDir = fileURLToPath(new URL("../../../webapp/", import.meta.url));

/** Browsers the bundle is written down for: Android Chrome 64 (2018) and iOS 15 (iPhone 6s and later); esbuild refuses Safari before 15 for its destructuring bug. */
export const WEBAPP_TARGETS = ["es2018", "chrome64", "firefox60", "safari15", "ios15"];

/** One of the app's scripts (src/main.ts, src/serviceWorker.ts), bundled and minified. */
export async function bundleWebApp(entry = "main.ts"): Promise<string> {
  const result = await build({
    entryPoints: [webappDir + "src/" + entry],
    bundle: true,
    write: false,
    format: "iife",
    target: WEBAPP_TARGETS,
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

export async function webAppRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  await app.register(caregiverClientRoutes, { ctx });
  const scripts = new Map<string, Promise<string>>();
  const send = (reply: FastifyReply, type: string, body: string) => reply.headers(SECURITY_HEADERS).type(type).send(body);

  app.get("/app", async (_request, reply) => reply.redirect("/app/"));
  app.get("/app/", async (_request, reply) => send(reply, "text/html; charset=utf-8", await readFile(webappDir + "index.html", "utf8")));
  app.get("/app/app.css", async (_request, reply) => send(reply, "text/css; charset=utf-8", await readFile(webappDir + "app.css", "utf8")));
  const serveScript = async (entry: string, reply: FastifyReply) => {
    if (!scripts.has(entry)) scripts.set(entry, bundleWebApp(entry));
    try {
      return send(reply, "text/javascript; charset=utf-8", await scripts.get(entry)!);
    } catch (error) {
      scripts.delete(entry);
      throw error;
    }
  };
  app.get("/app/app.js", async (_request, reply) => serveScript("main.ts", reply));
  // The service worker keeps the app for opening offline (scope /app/).
  app.get("/app/sw.js", async (_request, reply) => serveScript("serviceWorker.ts", reply));
}
