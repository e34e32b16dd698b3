// The Meilisearch client and small helpers around it. The client is kept with
// singleton() (globalThis), so the Remix server bundle and the server process
// share one; it is keyed by URL and key so tests that re-point the runtime
// settings get a client for the new server.
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { Meilisearch, type EnqueuedTaskPromise, type Settings, type Task } from "meilisearch";
import { runtimeSettings, singleton } from "../server/runtime.ts";

/** Per HTTP request. Searches answer in milliseconds; this only bounds a hung server. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEALTH_TIMEOUT_MS = 1_500;
/** Indexing a few thousand articles takes seconds; leave room for a busy task queue. */
const TASK_TIMEOUT_MS = 60_000;
/** How often a task's state is asked for while waiting (the client's own default). */
const TASK_POLL_MS = 50;

function clientFor(timeout: number): Meilisearch {
  const { meiliUrl, meiliKey } = runtimeSettings();
  return singleton(`meilisearch:${timeout}:${meiliUrl}:${meiliKey ?? ""}`, () =>
    new Meilisearch({ host: meiliUrl, apiKey: meiliKey, timeout, httpClient: nodeHttpClient() }),
  );
}

/** A Meilisearch answer other than 2xx, with its error code (e.g. index_not_found). */
export class MeilisearchHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The client's requests over node:http on kept-alive connections instead of
 * fetch. Fetch spent about 0.9 ms of CPU on each request (its streams,
 * headers and body objects), node:http about 0.2 ms: a third of what a search
 * through the API cost the web process. It also asks for no compression:
 * Meilisearch compresses any body of a few kilobytes when asked, and a
 * compressed answer reached Node ~40 ms late on a kept-alive connection
 * (Nagle and delayed ACK). On the loopback or a LAN plain bytes are cheaper.
 */
function nodeHttpClient(): (input: RequestInfo | URL, init?: RequestInit) => Promise<unknown> {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      // Waiting for a task polls with one signal: once it has fired, no more requests.
      if (init.signal?.aborted) return reject(init.signal.reason);
      const url = new URL(input instanceof Request ? input.url : input);
      const body = typeof init.body === "string" ? init.body : undefined;
      const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const secure = url.protocol === "https:";
      const request = (secure ? https : http).request(
        url,
        { method: init.method ?? "GET", headers, agent: secure ? agents.https : agents.http },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            signal?.removeEventListener("abort", abort);
            try {
              const text = Buffer.concat(chunks).toString("utf8");
              const parsed = text === "" ? undefined : (JSON.parse(text) as { message?: string; code?: string } | undefined);
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) resolve(parsed);
              else reject(new MeilisearchHttpError(status, parsed?.code, parsed?.message ?? `Meilisearch answered ${status}`));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      // The client's timeout aborts with its own reason, which it recognises.
      // (Listened to here, not handed to http.request: waiting for a task
      // polls with one signal, and the request's own listener stays on it as
      // long as the kept-alive socket lives.)
      const signal = init.signal;
      const abort = () => request.destroy();
      signal?.addEventListener("abort", abort, { once: true });
      request.on("error", (error) => {
        signal?.removeEventListener("abort", abort);
        reject(signal?.aborted ? signal.reason : error);
      });
      request.end(body);
    });
}

export function meili(): Meilisearch {
  return clientFor(REQUEST_TIMEOUT_MS);
}

/** The live articles index: `${searchIndexPrefix}articles`. */
export function articlesIndexUid(): string {
  return `${runtimeSettings().searchIndexPrefix}articles`;
}

export class SearchTaskError extends Error {
  constructor(
    readonly task: Task,
    readonly code: string | undefined,
  ) {
    super(`Meilisearch task ${task.uid} (${task.type}) ${task.status}: ${task.error?.message ?? "no error given"}`);
  }
}

/**
 * Waits for an enqueued task and throws unless it succeeded. The client's
 * waitTask resolves for failed tasks too, so without this check a rejected
 * write would look like a success. `allow` lists error codes that are fine
 * (e.g. "index_already_exists" when creating an index idempotently).
 */
export async function waitForTask(enqueued: EnqueuedTaskPromise, allow: string[] = []): Promise<Task> {
  // Polled here rather than with the client's waitTask: that polls with one abort signal, and each poll
  // leaves a listener on it (meilisearch 0.62), so a task of a second or more (a batch of a big reindex)
  // made Node warn of a leak.
  const { taskUid } = await enqueued;
  const deadline = Date.now() + TASK_TIMEOUT_MS;
  let task = await meili().tasks.getTask(taskUid);
  while (task.status === "enqueued" || task.status === "processing") {
    if (Date.now() > deadline) throw new Error(`Meilisearch task ${taskUid} (${task.type}) not done after ${TASK_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, TASK_POLL_MS));
    task = await meili().tasks.getTask(taskUid);
  }
  if (task.status === "succeeded") return task;
  const code = task.error?.code;
  if (task.status === "failed" && code && allow.includes(code)) return task;
  throw new SearchTaskError(task, code);
}

/** For /healthz: answers within ~1.5 s whatever state the server is in. */
export async function searchHealth(): Promise<"up" | "down"> {
  try {
    await clientFor(HEALTH_TIMEOUT_MS).health();
    return "up";
  } catch {
    return "down";
  }
}

// Index uids whose settings this process has applied: indexing applies them
// first if start-up could not (search was down then), so an index created
// later still gets its filterable attributes.
const settingsApplied = () => singleton("search:settingsApplied", () => new Set<string>());

/** Creates the index if needed and applies its settings; waits until done. */
export async function createIndexWithSettings(uid: string, settings: Settings): Promise<void> {
  const client = meili();
  await waitForTask(client.createIndex(uid, { primaryKey: "id" }), ["index_already_exists"]);
  await waitForTask(client.index(uid).updateSettings(settings));
  settingsApplied().add(uid);
}

/** Applies the settings unless this process did already. */
export async function ensureIndex(uid: string, settings: Settings): Promise<void> {
  if (!settingsApplied().has(uid)) await createIndexWithSettings(uid, settings);
}

/**
 * Rebuilds an index without a moment of empty or partial results: `fill`
 * writes every document into a fresh index with the same settings, which is
 * then swapped with the live one in a single task, and the old documents are
 * deleted. A failure leaves the live index as it was and no half-built one.
 */
export async function rebuildIndex(live: string, settings: Settings, fill: (temp: string) => Promise<void>): Promise<void> {
  const client = meili();
  const temp = `${live}_reindex_${randomBytes(4).toString("hex")}`;
  try {
    await createIndexWithSettings(temp, settings);
    await fill(temp);
    // Swapping needs both indexes to exist (the live one may not, on first start).
    await waitForTask(client.createIndex(live, { primaryKey: "id" }), ["index_already_exists"]);
    await waitForTask(client.swapIndexes([{ indexes: [live, temp], rename: false }]));
  } catch (error) {
    // Report the original failure.
    await waitForTask(client.deleteIndex(temp), ["index_not_found"]).catch(() => {});
    throw error;
  } finally {
    settingsApplied().delete(temp);
  }
  // After the swap `temp` names the old documents.
  await waitForTask(client.deleteIndex(temp), ["index_not_found"]);
  settingsApplied().add(live);
}
