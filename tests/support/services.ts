// Per-test-file access to the real servers started by global-setup.ts: each
// call to freshDatabase() clones the migrated template into a new database,
// so test files run in parallel without seeing each other's rows.
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db } from "../../server/db/client.ts";
import { setRuntimeSettings } from "../../server/runtime.ts";
import type { MailSettings } from "../../server/mail/settings.ts";

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `t_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("templateDatabase")}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const db = createDb(url);
  return {
    db,
    url,
    async drop() {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Attachment files of this test process, in a directory of its own. */
export function testBlobDir(): string {
  return path.join(os.tmpdir(), "helpdesk-test-attachments", String(process.pid));
}

/** Mail settings for tests: the local sink in a directory of this process, no inbound server unless a test starts one. */
export function testMailSettings(overrides: Partial<MailSettings> = {}): MailSettings {
  return {
    from: "support@helpdesk.test",
    publicUrl: "http://helpdesk.test",
    smtpUrl: null,
    sinkDir: path.join(os.tmpdir(), "helpdesk-test-mail", String(process.pid)),
    inboundMaxBytes: 25 * 1024 * 1024,
    inbound: null,
    ...overrides,
  };
}

/**
 * Points the process-wide settings (used by db(), the search client and
 * sessions) at the test servers, with a search index prefix of its own.
 */
export function useTestRuntime(databaseUrl: string): { searchIndexPrefix: string } {
  const searchIndexPrefix = `t${randomUUID().replace(/-/g, "").slice(0, 10)}_`;
  setRuntimeSettings({
    databaseUrl,
    meiliUrl: inject("meiliUrl"),
    meiliKey: inject("meiliKey"),
    sessionSecret: "test-session-secret-test-session-secret",
    blobStore: { kind: "disk", dir: testBlobDir() },
    mail: testMailSettings(),
    searchIndexPrefix,
  });
  return { searchIndexPrefix };
}
