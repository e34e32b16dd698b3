// A command's transaction. emit() only works inside one: after the commit,
// the readers of the event log are woken (eventsCommitted), so live screens
// and durable listeners see the change at once, not at their next poll.
import type { Db, Tx } from "../db/client.ts";
import { transactionOf } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { eventsCommitted } from "./feed.ts";

const open = new WeakSet<object>();
const appended = new WeakSet<object>();

/** A Prisma transaction for a command. */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return announced((run) => db.$transaction((tx) => run(tx)), work);
}

/** A plain-SQL transaction for a command (the hot paths, server/db/sql.ts). */
export function inSqlTransaction<T>(db: Db, work: (sql: Sql) => Promise<T>): Promise<T> {
  return announced((run) => transactionOf(db, run), work);
}

async function announced<H extends object, T>(
  transaction: (run: (handle: H) => Promise<T>) => Promise<T>,
  work: (handle: H) => Promise<T>,
): Promise<T> {
  let wrote = false;
  const result = await transaction(async (handle) => {
    open.add(handle);
    try {
      return await work(handle);
    } finally {
      open.delete(handle);
      wrote = appended.has(handle);
    }
  });
  if (wrote) eventsCommitted();
  return result;
}

/** For emit(): the handle must belong to a command transaction, whose commit will be announced. */
export function noteAppended(handle: object): void {
  if (!open.has(handle)) throw new Error("emit() needs a command transaction: use inTransaction() or inSqlTransaction()");
  appended.add(handle);
}
