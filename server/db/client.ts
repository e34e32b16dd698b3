import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { runtimeSettings, singleton } from "../runtime.ts";

export type Db = PrismaClient;
/** A client or an interactive transaction: domain functions accept either. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createDb(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 10 }) });
}

/** The process's shared Prisma client. */
export function db(): PrismaClient {
  return singleton("db", () => createDb(runtimeSettings().databaseUrl));
}
