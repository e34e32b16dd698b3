// Starts a real PostgreSQL and a real Meilisearch for the integration tests
// (the same embedded servers `npm start` uses), migrates a template database
// once, and hands the connection details to the test files.
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import {
  startEmbeddedMeilisearch,
  startEmbeddedPostgres,
  stopStaleServers,
  type RunningService,
} from "../../server/embedded.ts";
import { migrate } from "../../server/db/migrate.ts";

const root = path.resolve(import.meta.dirname, "../..");
const pgPort = Number(process.env.TEST_PG_PORT ?? 54339);
const meiliPort = Number(process.env.TEST_MEILI_PORT ?? 7711);
// One directory per port pair, so two runs on different ports never share data.
const dataDir = path.join(root, ".data", `test-unit-${pgPort}`);
const password = "test-password";
const meiliKey = "test-master-key-0123456789";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
    meiliUrl: string;
    meiliKey: string;
  }
}

export default async function setup(project: TestProject) {
  // Each run starts from empty servers: tests must not depend on leftovers.
  // A run that was killed may have left its PostgreSQL behind: stop it first.
  await stopStaleServers(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const services: RunningService[] = [];
  const postgres = await startEmbeddedPostgres({
    dir: path.join(dataDir, "postgres"),
    port: pgPort,
    password,
    database: "helpdesk_template",
  });
  services.push(postgres);
  const meili = await startEmbeddedMeilisearch({
    dir: path.join(dataDir, "meili"),
    port: meiliPort,
    masterKey: meiliKey,
  });
  services.push(meili);
  await migrate(postgres.url, () => {});

  project.provide("postgresAdminUrl", postgres.url.replace(/\/helpdesk_template$/, "/postgres"));
  project.provide("templateDatabase", "helpdesk_template");
  project.provide("meiliUrl", meili.url);
  project.provide("meiliKey", meiliKey);

  return async () => {
    for (const service of services.reverse()) await service.stop();
  };
}
