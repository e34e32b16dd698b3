// Brings up what the app needs: configuration, the database and search
// servers (embedded ones when no URL is given), migrations and demo data.
import path from "node:path";
import { parseEnv, type Env } from "./config.ts";
import {
  claimDataDir,
  loadOrCreateSecrets,
  startEmbeddedMeilisearch,
  startEmbeddedPostgres,
  type RunningService,
} from "./embedded.ts";
import { migrate } from "./db/migrate.ts";
import { db } from "./db/client.ts";
import { setRuntimeSettings, type RuntimeSettings } from "./runtime.ts";

export interface Booted {
  env: Env;
  settings: RuntimeSettings;
  embedded: RunningService[];
  seeded: boolean;
  /** Stops the embedded servers (if any) and releases DATA_DIR. */
  stop(): Promise<void>;
}

export async function boot(log: (line: string) => void = console.log): Promise<Booted> {
  const env = parseEnv();
  const dataDir = path.resolve(env.DATA_DIR);
  const needsLocalSecrets = !env.DATABASE_URL || !env.MEILI_URL || !env.SESSION_SECRET;
  const secrets = needsLocalSecrets ? loadOrCreateSecrets(dataDir) : undefined;
  const embedded: RunningService[] = [];
  const usesEmbedded = !env.DATABASE_URL || !env.MEILI_URL;
  const release = usesEmbedded ? claimDataDir(dataDir) : () => {};
  const stop = async () => {
    for (const service of [...embedded].reverse()) await service.stop().catch(() => {});
    release();
  };

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      log(`Starting embedded PostgreSQL (data in ${path.join(dataDir, "postgres")})…`);
      const pg = await startEmbeddedPostgres({
        dir: path.join(dataDir, "postgres"),
        port: env.EMBEDDED_PG_PORT,
        password: secrets!.postgresPassword,
        database: "helpdesk",
      });
      embedded.push(pg);
      databaseUrl = pg.url;
    }
    let meiliUrl = env.MEILI_URL;
    let meiliKey = env.MEILI_MASTER_KEY;
    if (!meiliUrl) {
      log(`Starting embedded Meilisearch (data in ${path.join(dataDir, "meilisearch")})…`);
      const meili = await startEmbeddedMeilisearch({
        dir: path.join(dataDir, "meilisearch"),
        port: env.EMBEDDED_MEILI_PORT,
        masterKey: secrets!.meiliMasterKey,
      });
      embedded.push(meili);
      meiliUrl = meili.url;
      meiliKey = secrets!.meiliMasterKey;
    }

    const settings: RuntimeSettings = {
      databaseUrl,
      meiliUrl,
      meiliKey,
      sessionSecret: env.SESSION_SECRET ?? secrets!.sessionSecret,
      searchIndexPrefix: env.SEARCH_INDEX_PREFIX,
    };
    setRuntimeSettings(settings);

    await migrate(databaseUrl, log);
    const seeded = env.SEED_DEMO_DATA === "auto" ? await seedIfEmpty(log) : false;
    return { env, settings, embedded, seeded, stop };
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
