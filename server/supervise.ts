// Keeps an embedded server running under `npm start`. When its process dies
// (a crash, kill -9, the OOM killer), the supervisor notices at once (the exit
// of a child process we spawned) and starts it again on the same port, data
// directory and secrets, after a pause that doubles with each failed try, so
// a server that cannot start does not spin. The app's own connections
// reconnect by themselves; `onRestart` does what a fresh server needs beyond
// that (search settings, a rebuilt index).
import type { RunningService } from "./embedded.ts";

export interface ServerStatus {
  state: "running" | "restarting" | "stopped";
  restarts: number;
  lastExitAt: string | null;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** A server that ran this long before dying is restarted quickly again; one that keeps dying at once waits longer each time. */
const STABLE_MS = 60_000;

const oneLine = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .replace(/\s*\n\s*/g, " | ")
    .slice(0, 500);

export class Supervisor {
  private current: RunningService | null = null;
  private startedAt = 0;
  private starting: Promise<void> | null = null;
  private timer?: NodeJS.Timeout;
  private watching = true;
  private delay = FIRST_DELAY_MS;
  private restarts = 0;
  private lastExitAt: Date | null = null;
  private state: ServerStatus["state"] = "stopped";
  /** Runs after each restart (not after the first start). Its failure is logged, not retried. */
  onRestart?: () => Promise<void>;

  /** Where the server answers: the same after every restart. */
  readonly url: string;

  private constructor(
    readonly name: string,
    private start: () => Promise<RunningService>,
    first: RunningService,
  ) {
    this.url = first.url;
    this.adopt(first);
  }

  /** Starts the server and watches it. A failure of this first start is thrown: the app cannot boot. */
  static async run(name: string, start: () => Promise<RunningService>): Promise<Supervisor> {
    return new Supervisor(name, start, await start());
  }

  status(): ServerStatus {
    return { state: this.state, restarts: this.restarts, lastExitAt: this.lastExitAt?.toISOString() ?? null };
  }

  /** No more restarts from now on (the app is shutting down); the server keeps running until stop(). */
  stopWatching(): void {
    this.watching = false;
    clearTimeout(this.timer);
  }

  /** Stops watching first, then the server (waiting for a start under way, so nothing is left behind). */
  async stop(): Promise<void> {
    this.stopWatching();
    await this.starting;
    const service = this.current;
    this.current = null;
    this.state = "stopped";
    await service?.stop();
  }

  private adopt(service: RunningService) {
    this.current = service;
    this.startedAt = Date.now();
    this.state = "running";
    void service.exited.then((how) => this.died(service, how));
  }

  private died(service: RunningService, how: string) {
    if (!this.watching || service !== this.current) return; // stopped by us
    this.current = null;
    this.state = "restarting";
    this.lastExitAt = new Date();
    if (Date.now() - this.startedAt > STABLE_MS) this.delay = FIRST_DELAY_MS;
    console.warn(`[embedded] ${this.name} exited unexpectedly (${how}); restarting it in ${this.delay / 1000} s.`);
    this.retryLater();
  }

  private retryLater() {
    this.timer = setTimeout(() => {
      this.starting = this.restart().finally(() => (this.starting = null));
    }, this.delay);
    this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
  }

  private async restart() {
    let service: RunningService;
    try {
      service = await this.start();
    } catch (error) {
      if (!this.watching) return;
      console.warn(`[embedded] ${this.name} did not start (${oneLine(error)}); trying again in ${this.delay / 1000} s.`);
      this.retryLater();
      return;
    }
    this.adopt(service); // if we are stopping meanwhile, stop() stops it
    if (!this.watching) return;
    this.restarts += 1;
    console.log(`[embedded] ${this.name} is running again (restart ${this.restarts}).`);
    // Not awaited: stopping waits for a start under way, not for this follow-up work.
    void this.onRestart?.().catch((error) => console.warn(`[embedded] after ${this.name} restarted: ${oneLine(error)}`));
  }
}
