// A test file's own database with the fixtures (teams, staff, customers,
// policies): created before its tests, dropped after.
import { afterAll, beforeAll } from "vitest";
import { freshDatabase, useTestRuntime, type TestDatabase } from "./services.ts";
import { createFixtures } from "./factories.ts";
import { forgetSingleton } from "../../server/runtime.ts";

export type Fixtures = Awaited<ReturnType<typeof createFixtures>>;

/** Calls `ready` with the database and its fixtures before the file's tests (and its later beforeAll hooks). */
export function useFixtureDatabase(ready: (t: TestDatabase, f: Fixtures) => void | Promise<void>) {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await freshDatabase();
    useTestRuntime(database.url);
    forgetSingleton("db");
    await ready(database, await createFixtures(database.db));
  });
  afterAll(async () => {
    await database?.drop();
  });
}
