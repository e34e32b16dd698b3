// Process-wide singletons. The Remix server build bundles its own copy of the
// modules under server/, so shared state (the Prisma client, the resolved
// connection settings) is kept on globalThis: both copies see the same one.

import type { BlobStoreConfig } from "./attachments/store.ts";
import type { MailSettings } from "./mail/settings.ts";

export interface RuntimeSettings {
  databaseUrl: string;
  meiliUrl: string;
  meiliKey?: string;
  sessionSecret: string;
  searchIndexPrefix: string;
  /** Where attachment bytes are kept (server/attachments/store.ts). */
  blobStore: BlobStoreConfig;
  /** Mail in and out (server/mail/settings.ts). */
  mail: MailSettings;
}

const store = globalThis as unknown as { __helpdesk?: Map<string, unknown> };

export function singleton<T>(name: string, create: () => T): T {
  store.__helpdesk ??= new Map();
  if (!store.__helpdesk.has(name)) store.__helpdesk.set(name, create());
  return store.__helpdesk.get(name) as T;
}

export function forgetSingleton(name: string) {
  store.__helpdesk?.delete(name);
}

/** Removes a singleton and hands it over (to close it), if it was ever made. */
export function takeSingleton<T>(name: string): T | undefined {
  const value = store.__helpdesk?.get(name) as T | undefined;
  store.__helpdesk?.delete(name);
  return value;
}

export function setRuntimeSettings(settings: RuntimeSettings) {
  store.__helpdesk ??= new Map();
  store.__helpdesk.set("settings", settings);
}

export function runtimeSettings(): RuntimeSettings {
  const settings = store.__helpdesk?.get("settings") as RuntimeSettings | undefined;
  if (!settings) throw new Error("Runtime settings are not set: start the app through server/index.ts");
  return settings;
}
