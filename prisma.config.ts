// Prisma CLI configuration. Migrations run through the pg driver adapter and
// Prisma's WASM engines, because these machines cannot download native engines
// (see docs/decisions/001-stack.md).
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaConfig } from "prisma";

// `prisma generate` connects to nothing, but without a readable datasource URL
// the CLI falls back to downloading a native engine (impossible offline).
if (process.argv.includes("generate")) process.env.DATABASE_URL ??= "postgresql://localhost/unused";

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL must be set to run Prisma migrations");
    // Let the CLI exit as soon as it is done (pg otherwise keeps idle
    // connections, and the process, alive for 10 s).
    return new PrismaPg({ connectionString: url, allowExitOnIdle: true });
  },
} satisfies PrismaConfig;
