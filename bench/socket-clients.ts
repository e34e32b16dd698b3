// One client process of `npm run bench:sockets`: opens COUNT agent sockets
// (alternating between the web processes' PORTS). The sampling process
// (RECORD=1) records, on the driver's word, when each of its sockets
// receives the queue update of the ticket it names; the others only hold
// their sockets open, as the rest of a busy helpdesk's agents would.
// Talks to the driver (bench/sockets.ts) over IPC. Times are epoch
// milliseconds with sub-millisecond precision, comparable across processes.
import { performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";

export type ToClient = { type: "expect"; number: number } | { type: "count" } | { type: "report" } | { type: "close" };
export type FromClient =
  | { type: "ready"; connected: number; failed: number; firstError: string | null }
  | { type: "count"; received: number }
  | { type: "arrivals"; times: number[] };

const now = () => performance.timeOrigin + performance.now();
/** Handshakes in flight at once: a ramp, as a helpdesk's agents arrive over a morning, only faster. */
const CONNECTING = 100;

async function main() {
  const ports = (process.env.PORTS ?? "").split(",").map(Number);
  const count = Number(process.env.COUNT);
  const offset = Number(process.env.OFFSET ?? 0);
  const cookie = process.env.COOKIE ?? "";
  const record = process.env.RECORD === "1";
  const send = (message: FromClient) => process.send!(message);

  let watching = -1;
  let arrivals: number[] = [];
  const sockets: Socket[] = [];
  let failed = 0;
  let firstError: string | null = null;

  const open = (i: number) =>
    new Promise<void>((resolve) => {
      const socket = io(`http://127.0.0.1:${ports[(i + offset) % ports.length]}`, {
        transports: ["websocket"],
        extraHeaders: { Cookie: cookie },
        reconnection: false,
        timeout: 30_000,
        forceNew: true,
      });
      if (record) {
        socket.on("queue:ticket", (ticket: { number: number }) => {
          if (ticket.number === watching) arrivals.push(now());
        });
      }
      socket.once("connect", () => {
        sockets.push(socket);
        resolve();
      });
      socket.once("connect_error", (error) => {
        failed++;
        firstError ??= error.message;
        resolve();
      });
    });

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONNECTING, count) }, async () => {
      while (next < count) await open(next++);
    }),
  );
  send({ type: "ready", connected: sockets.length, failed, firstError });

  process.on("message", (message: ToClient) => {
    if (message.type === "expect") {
      watching = message.number;
      arrivals = [];
    } else if (message.type === "count") {
      send({ type: "count", received: arrivals.length });
    } else if (message.type === "report") {
      send({ type: "arrivals", times: arrivals });
    } else if (message.type === "close") {
      for (const socket of sockets) socket.disconnect();
      process.exit(0);
    }
  });
}

void main();
