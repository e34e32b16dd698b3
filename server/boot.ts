// Brings up what the app needs: configuration, the database and search
// servers (embedded ones when no URL is given), migrations and demo data.
import path from "node:path";
import { blobStoreConfig, mailSettingsFrom, parseEnv, type Env } from "./config.ts";
import {
  claimDataDir,
  loadOrCreateSecrets,
  startEmbeddedMeilisearch,
  startEmbeddedPostgres,
} from "./embedded.ts";
import { Supervisor, type ServerStatus } from "./supervise.ts";
import { migrate } from "./db/migrate.ts";
import { db } from "./db/client.ts";
import { setRuntimeSettings, type RuntimeSettings } from "./runtime.ts";

export interface Booted {
  env: Env;
  settings: RuntimeSettings;
  /** The embedded servers, each restarted by its supervisor when it dies. */
  embedded: { postgres?: Supervisor; meilisearch?: Supervisor };
  seeded: boolean;
  /** For /healthz: each embedded server's state; null when none is embedded. */
  embeddedStatus(): Record<string, ServerStatus> | null;
  /** No more restarts of embedded servers: the app is shutting down. */
  stopSupervising(): void;
  /** Stops the embedded servers (if any, supervision first) and releases DATA_DIR. */
  stop(): Promise<void>;
}

export async function boot(log: (line: string) => void = console.log): Promise<Booted> {
  const env = parseEnv();
  const dataDir = path.resolve(env.DATA_DIR);
  const needsLocalSecrets = !env.DATABASE_URL || !env.MEILI_URL || !env.SESSION_SECRET;
  const secrets = needsLocalSecrets ? loadOrCreateSecrets(dataDir) : undefined;
  const embedded: Booted["embedded"] = {};
  const usesEmbedded = !env.DATABASE_URL || !env.MEILI_URL;
  const release = usesEmbedded ? claimDataDir(dataDir) : () => {};
  const supervisors = () => [embedded.meilisearch, embedded.postgres].filter((s) => s !== undefined);
  const stopSupervising = () => supervisors().forEach((s) => s.stopWatching());
  const stop = async () => {
    stopSupervising();
    for (const supervisor of supervisors()) await supervisor.stop().catch(() => {});
    release();
  };
  const embeddedStatus = () =>
    usesEmbedded ? Object.fromEntries(Object.entries(embedded).map(([name, supervisor]) => [name, supervisor.status()])) : null;

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      log(`Starting embedded PostgreSQL (data in ${path.join(dataDir, "postgres")})…`);
      const options = {
        dir: path.join(dataDir, "postgres"),
        port: env.EMBEDDED_PG_PORT,
        password: secrets!.postgresPassword,
        database: "helpdesk",
      };
      embedded.postgres = await Supervisor.run("PostgreSQL", () => startEmbeddedPostgres(options));
      databaseUrl = embedded.postgres.url;
    }
    let meiliUrl = env.MEILI_URL;
    let meiliKey = env.MEILI_MASTER_KEY;
    if (!meiliUrl) {
      log(`Starting embedded Meilisearch (data in ${path.join(dataDir, "meilisearch")})…`);
      const options = {
        dir: path.join(dataDir, "meilisearch"),
        port: env.EMBEDDED_MEILI_PORT,
        masterKey: secrets!.meiliMasterKey,
      };
      embedded.meilisearch = await Supervisor.run("Meilisearch", () => startEmbeddedMeilisearch(options));
      meiliUrl = embedded.meilisearch.url;
      meiliKey = secrets!.meiliMasterKey;
    }

    const settings: RuntimeSettings = {
      databaseUrl,
      meiliUrl,
      meiliKey,
      sessionSecret: env.SESSION_SECRET ?? secrets!.sessionSecret,
      searchIndexPrefix: env.SEARCH_INDEX_PREFIX,
      blobStore: blobStoreConfig(env, dataDir),
      mail: mailSettingsFrom(env, dataDir),
    };
    setRuntimeSettings(settings);

    await migrate(databaseUrl, log);
    const seeded = env.SEED_DEMO_DATA === "auto" ? await seedIfEmpty(log) : false;
    return { env, settings, embedded, seeded, embeddedStatus, stopSupervising, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function seedIfEmpty(log: (line: string) => void): Promise<boolean> {
  if ((await db().user.count()) > 0) return false;
  log("Empty database: loading demo data…");
  const { seedDemoData } = await import("../prisma/seed.ts");
  const counts = await seedDemoData(db());
  log(`Demo data: ${counts.customers} customers, ${counts.tickets} tickets, ${counts.articles} articles.`);
  return true;
}
