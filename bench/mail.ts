// Inbound mail, measured on the running helpdesk (part of `npm run bench`): mails sent over SMTP to
// the built-in inbound server (as a mail server in front would), 10 connections at a time, each
// from its own sender so the flood throttle (which slows one sender down) stays out of the figure.
// For each mail: from the moment the server acknowledged it (the SMTP "250" after DATA: stored,
// safe) to the moment its ticket reached an agent's open queue on the live channel (queue:ticket on
// the agent's socket). Mails processed per second: mails over the time from the first acknowledgement
// to the last ticket's arrival.
import { performance } from "node:perf_hooks";
import nodemailer from "nodemailer";
import { connect as connectSocket, type Socket } from "socket.io-client";
import { interrupt, percentile, round, sleep } from "./lib.ts";

export const MAILS = 300;
export const MAIL_CONNECTIONS = 10;
/** Mails sent one at a time afterwards: the delay of one mail with no backlog in front of it. */
export const PACED_MAILS = 30;
const ARRIVAL_TIMEOUT_MS = 60_000;

export interface MailResult {
  mails: number;
  connections: number;
  /** Mails the inbound server acknowledged per second (SMTP alone). */
  acceptedPerS: number;
  /** Mails turned into tickets in the agent's queue per second, from the first acknowledgement to the last arrival. */
  processedPerS: number;
  /** Acknowledgement to the ticket at the agent's socket. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Acknowledged but not in the agent's queue within a minute of the last acknowledgement. */
  missed: number;
  /** One mail at a time (the next sent once the last arrived): acknowledgement to the agent's socket. */
  paced: { mails: number; p50Ms: number; p95Ms: number; maxMs: number; missed: number };
}

/** A customer's mail as mail programs write it: a short text, a signature and a quoted earlier mail. */
function benchMail(run: string, i: number) {
  return {
    from: `Bench Sender ${i} <bench-${run}-${i}@mail.example>`,
    to: "support@helpdesk.localhost",
    subject: `Bench mail ${run}-${i}`,
    text: [
      `Hello, my order ${1000 + i} has not arrived and the tracking page shows no update since Monday.`,
      "Could you check it for me?",
      "",
      "--",
      `Bench Sender ${i}`,
      "",
      "On Mon, 23 Nov 2026 at 10:00, Shop <orders@shop.example> wrote:",
      "> Your order has shipped.",
    ].join("\n"),
  };
}

export async function inboundMail(options: { webPort: number; smtpPort: number; agentCookie: string; log: (line: string) => void }): Promise<MailResult> {
  const { log } = options;
  log(`inbound mail: ${MAILS} mails over ${MAIL_CONNECTIONS} SMTP connections → ticket in the agent's queue (queue:ticket)`);
  const run = Date.now().toString(36);
  const socket: Socket = connectSocket(`http://127.0.0.1:${options.webPort}`, {
    transports: ["websocket"],
    extraHeaders: { Cookie: options.agentCookie },
    reconnection: false,
    timeout: 10_000,
  });
  const arrivals = new Map<string, number>();
  socket.on("queue:ticket", (ticket: { subject: string }) => {
    if (!arrivals.has(ticket.subject)) arrivals.set(ticket.subject, performance.now());
  });
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: options.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: MAIL_CONNECTIONS,
    maxMessages: Infinity,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (e) => reject(new Error(`socket connect: ${e.message}`)));
    });
    const accepted = new Map<string, number>();
    let next = 0;
    const sender = async () => {
      while (next < MAILS && !interrupt.aborted) {
        const mail = benchMail(run, next++);
        await transport.sendMail(mail);
        accepted.set(mail.subject, performance.now());
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: MAIL_CONNECTIONS }, sender));
    const tAccepted = performance.now();
    if (interrupt.aborted) throw new Error("interrupted");
    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
    const arrived = () => [...accepted.keys()].filter((subject) => arrivals.has(subject)).length;
    while (arrived() < accepted.size && Date.now() < deadline && !interrupt.aborted) await sleep(50);
    const latencies = [...accepted].flatMap(([subject, at]) => (arrivals.has(subject) ? [arrivals.get(subject)! - at] : [])).sort((a, b) => a - b);
    const lastArrival = Math.max(...[...accepted.keys()].map((subject) => arrivals.get(subject) ?? 0));
    const firstAccepted = Math.min(...accepted.values());

    const paced: number[] = [];
    let pacedMissed = 0;
    for (let i = 0; i < PACED_MAILS && !interrupt.aborted; i++) {
      const mail = benchMail(`${run}p`, i);
      await transport.sendMail(mail);
      const at = performance.now();
      const until = Date.now() + 10_000;
      while (!arrivals.has(mail.subject) && Date.now() < until) await sleep(5);
      if (arrivals.has(mail.subject)) paced.push(arrivals.get(mail.subject)! - at);
      else pacedMissed++;
    }
    paced.sort((a, b) => a - b);
    return {
      mails: accepted.size,
      connections: MAIL_CONNECTIONS,
      acceptedPerS: round(accepted.size / ((tAccepted - t0) / 1000), 1),
      processedPerS: round(latencies.length / ((lastArrival - firstAccepted) / 1000), 1),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      maxMs: round(latencies[latencies.length - 1] ?? NaN),
      missed: accepted.size - latencies.length,
      paced: {
        mails: paced.length + pacedMissed,
        p50Ms: round(percentile(paced, 50)),
        p95Ms: round(percentile(paced, 95)),
        maxMs: round(paced[paced.length - 1] ?? NaN),
        missed: pacedMissed,
      },
    };
  } finally {
    transport.close();
    socket.disconnect();
  }
}
