import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { runtimeSettings, singleton } from "../runtime.ts";
import { pgSql, sqlTransaction, sqlTypes, type Sql } from "./sql.ts";

export type Db = PrismaClient;
/** A client or an interactive transaction: domain functions accept either. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

// Prisma and plain SQL (sql.ts) share one pool per client: one set of
// connections, closed by $disconnect. On globalThis: the Remix build's copy
// of this module must find the pool of a client the server made.
const pools = () => singleton("dbPools", () => new WeakMap<PrismaClient, pg.Pool>());

export function createDb(databaseUrl: string): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, types: sqlTypes });
  // An idle connection dropped by a database restart is replaced on next use; it must not crash the process.
  pool.on("error", (error) => console.warn("[db]", error.message));
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools().set(client, pool);
  return client;
}

function poolOf(db: Db): pg.Pool {
  const pool = pools().get(db);
  if (!pool) throw new Error("This Prisma client was not made by createDb()");
  return pool;
}

/** Plain SQL on the client's own pool (one statement, autocommitted). */
export function sqlOf(db: Db): Sql {
  return pgSql(poolOf(db));
}

/** A plain-SQL transaction on the client's own pool. */
export function transactionOf<T>(db: Db, work: (sql: Sql) => Promise<T>): Promise<T> {
  return sqlTransaction(poolOf(db), work);
}

/** The process's shared Prisma client. */
export function db(): PrismaClient {
  return singleton("db", () => createDb(runtimeSettings().databaseUrl));
}
