// Plain SQL for the hot paths: filing a ticket, bearer-token sign-in, the
// event log and the in-transaction listeners. A query through Prisma costs
// about 0.3 ms of this process's CPU (its query compiler runs per query);
// through pg with a prepared statement about 0.05 ms (docs/decisions/010).
// Both run over the same pool: Prisma's adapter is built on it (client.ts).
import { createHash } from "node:crypto";
import pg from "pg";
import type { Tx } from "./client.ts";

/** Runs SQL with $1… parameters; rows come back with dates as Date (UTC) and bigints as BigInt. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
}

/**
 * How our pool reads values. Our `timestamp(3)` columns hold UTC without a
 * zone (Prisma's convention): read them as UTC, never as the server's local
 * time. Bigints (event ids) become BigInt, as Prisma returns them.
 */
const TIMESTAMP_WITHOUT_ZONE = 1114;
const INT8 = 20;
export const sqlTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === TIMESTAMP_WITHOUT_ZONE) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    if (oid === INT8) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format ?? "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

// Each distinct statement text gets one name, so every connection parses and
// plans it once and then only binds values. The name comes from the text
// itself: the Remix build has its own copy of this module, and both copies
// share connections, so a counter would give one name to two statements.
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `q${createHash("sha256").update(text).digest("hex").slice(0, 24)}`));
  return name;
}

/** Sql over a pg pool or one checked-out client (a transaction). */
export function pgSql(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<Row>(text: string, values: unknown[] = []) {
      const result = await client.query({ name: statementName(text), text, values });
      return result.rows as Row[];
    },
  };
}

/** Sql inside a Prisma transaction, for commands still written with Prisma (same connection, same commit). */
export function prismaSql(tx: Tx): Sql {
  return {
    query: <Row>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<Row[]>(text, ...values),
  };
}

/** Either kind of handle as Sql: listeners and emit() serve commands of both kinds. */
export function asSql(handle: Tx | Sql): Sql {
  return "$queryRawUnsafe" in handle ? prismaSql(handle) : handle;
}

/** BEGIN … COMMIT on one connection of the pool; ROLLBACK when `work` throws. */
export async function sqlTransaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection dropped mid-transaction (database restart) is reported by
  // the failing query; this keeps the stray 'error' event from crashing us.
  const ignore = () => {};
  client.on("error", ignore);
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(pgSql(client));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.removeListener("error", ignore);
    client.release(broken);
  }
}

/** Positional parameters for SQL built in pieces: `param(value)` adds one and returns its placeholder ($1, $2, …). */
export function sqlParams(values: unknown[] = []) {
  return { values, param: (value: unknown) => `$${values.push(value)}` };
}
