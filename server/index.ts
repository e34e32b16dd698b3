// `npm start`: boot (config, embedded servers, migrations, demo data), then
// serve the helpdesk until Ctrl-C / SIGTERM, and shut everything down cleanly.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { boot } from "./boot.ts";
import { ConfigError } from "./config.ts";
import { db } from "./db/client.ts";
import { startHelpdeskServer } from "./app.ts";
import { ensureSearchSettings, reindexIfBehind } from "../search/articles.ts";
import { DEMO_ACCOUNTS } from "../prisma/demo-accounts.ts";

async function main() {
  const booted = await boot();
  const { env, settings } = booted;

  // Search being down must not stop the helpdesk: tickets work without it and
  // the outbox catches up on indexing once it is back.
  try {
    await ensureSearchSettings();
    await reindexIfBehind(db());
  } catch (error) {
    console.warn(`Search is not ready (${(error as Error).message}); continuing without it.`);
  }

  let server;
  try {
    const buildPath = path.resolve("build/index.js");
    const remixBuild = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
    server = await startHelpdeskServer({
      settings,
      port: env.PORT,
      host: env.HOST,
      remixBuild,
      production: env.NODE_ENV === "production",
      logRequests: env.LOG_REQUESTS,
    });
  } catch (error) {
    await booted.stop(); // never leave embedded servers running behind us
    throw error;
  }

  console.log(`\nHelpdesk is running at http://localhost:${env.PORT}`);
  // Only where the demo accounts exist: a real installation has other users.
  const demo = await db().user.findUnique({ where: { email: DEMO_ACCOUNTS[0].email }, select: { id: true } });
  if (demo) {
    console.log("Demo accounts:");
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(10)} ${a.email.padEnd(30)} ${a.password}`);
  }

  let stopping = false;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: shutting down…`);
    // Each step runs even if the one before failed: above all, the embedded
    // servers must never be left running behind us.
    let clean = true;
    const step = async (name: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        clean = false;
        console.warn(`[shutdown] ${name}: ${(error as Error).message}`);
      }
    };
    await step("http and sockets", () => server.close());
    await step("database client", () => db().$disconnect());
    await step("embedded servers", () => booted.stop());
    console.log(clean ? "Stopped." : "Stopped, with warnings.");
    process.exit(clean ? exitCode : 1);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // A crash still stops the embedded servers, which would otherwise outlive us.
  process.on("uncaughtException", (error) => {
    console.error("[uncaught exception]", error);
    void shutdown("Uncaught exception", 1);
  });
}

// A stray rejection is a bug to log, not a reason to drop every user's connection.
process.on("unhandledRejection", (reason) => console.error("[unhandled rejection]", reason));

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
