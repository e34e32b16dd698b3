// A separate process that assigns waiting tickets when told to, for
// tests/integration/assignment-concurrency.test.ts: it connects, says
// "ready", waits for a line on stdin, then runs several assigners at once
// (as several listener runs and jobs could) and prints what they did as JSON.
import { createDb } from "../../server/db/client.ts";
import { assignWaiting } from "../../server/assignment/assigner.ts";

const db = createDb(process.env.DATABASE_URL!);
const teams = JSON.parse(process.env.ASSIGN_TEAMS!) as string[];
await db.$queryRawUnsafe("SELECT 1");
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
const started = Date.now();
const runs = await Promise.all([assignWaiting(db, teams), assignWaiting(db, [...teams].reverse()), assignWaiting(db, "all"), assignWaiting(db, teams)]);
const finished = Date.now();
process.stdout.write(`${JSON.stringify({ started, finished, assigned: runs.reduce((sum, r) => sum + r.assigned, 0) })}\n`);
await db.$disconnect();
