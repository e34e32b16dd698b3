/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

// Single-fetch types for loaders and actions (future.v3_singleFetch).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
  /** Set by the Express server for each request (server/app.ts). */
  interface AppLoadContext {
    cspNonce: string;
    /** The client's network address (for the sign-in and sign-up throttles). */
    clientIp: string;
  }
}
export {};
