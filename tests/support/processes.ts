// Helpdesk processes started the way production starts them
// (`node server/index.ts --role=…`) on the test's database and search server,
// for tests of several processes working together.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { runtimeSettings } from "../../server/runtime.ts";

const root = path.resolve(import.meta.dirname, "../..");

export interface HelpdeskProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts one process with this test's runtime settings, and `env` on top (its DATA_DIR, PORT, S3_…). */
export function startHelpdesk(role: "web" | "worker", env: Record<string, string>): HelpdeskProcess {
  const settings = runtimeSettings();
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts", `--role=${role}`], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: settings.databaseUrl,
      MEILI_URL: settings.meiliUrl,
      MEILI_MASTER_KEY: settings.meiliKey,
      SESSION_SECRET: settings.sessionSecret,
      SEARCH_INDEX_PREFIX: settings.searchIndexPrefix,
      SEED_DEMO_DATA: "never",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits until the process says it is running; fails with its output if it exits or takes too long. */
export async function untilRunning(proc: HelpdeskProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/Helpdesk (worker )?is running/.test(proc.output())) {
    if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`did not start:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops them all (SIGTERM) and waits until each has exited. */
export async function stopAll(procs: HelpdeskProcess[]): Promise<void> {
  for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
}
