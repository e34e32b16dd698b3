// The helpdesk's own mail server (smtp-server): point the support address's MX, or a forwarding
// rule, at it. It takes mail for any address at any domain (what is ours is decided when the mail is
// read), keeps each one whole in the database with the job that reads it, and only then answers
// 250: a mail it acknowledged is never lost. A database failure answers 451 so the sender retries;
// a mail over the size limit is refused with 552.
//
// Mail is held in memory until it is stored, so what is held at once is bounded: at most
// MAX_CLIENTS connections, and at most IN_FLIGHT_MAILS mails of the largest size being received or
// stored; a mail that would go over it is answered 451 (try later), which senders' servers do
// within minutes.
//
// No AUTH (nobody signs in to deliver mail to an MX) and no STARTTLS: it listens on loopback by
// default; to take mail from the internet put it behind an MTA that speaks TLS, or open
// INBOUND_SMTP_HOST knowing that senders' mail then crosses the network in clear.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Db } from "../../db/client.ts";
import { transactionOf } from "../../db/client.ts";
import { storeReceivedMail } from "./store.ts";

export interface InboundSmtp {
  /** The port it listens on (the one the OS gave, when asked for port 0). */
  port: number;
  close(): Promise<void>;
}

/** Connections at once; more are told to come back (421). */
const MAX_CLIENTS = 10;
/** Mail held in memory at once, in mails of the largest size. */
const IN_FLIGHT_MAILS = 4;

export async function startInboundSmtp(
  db: Db,
  options: { host: string; port: number; maxBytes: number },
  warn: (message: string) => void = (m) => console.warn("[inbound smtp]", m),
): Promise<InboundSmtp> {
  const budget = options.maxBytes * IN_FLIGHT_MAILS;
  let inFlight = 0;
  const server = new SMTPServer({
    banner: "Helpdesk mail",
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    hideSTARTTLS: true,
    logger: false,
    maxClients: MAX_CLIENTS,
    // Stopping does not wait long for senders in the middle of a mail: they retry what was not acknowledged.
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      let chunks: Buffer[] = [];
      let size = 0;
      // Bytes of this mail counted in `inFlight`, given back once it is stored or refused.
      let held = 0;
      let busy = false;
      const release = () => {
        inFlight -= held;
        held = 0;
        chunks = [];
      };
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // Past a limit the rest is read and dropped, so the sender hears the answer.
        if (size > options.maxBytes || busy) return release();
        if (inFlight + chunk.length > budget) {
          busy = true;
          return release();
        }
        inFlight += chunk.length;
        held += chunk.length;
        chunks.push(chunk);
      });
      stream.on("error", (error) => {
        release();
        callback(error);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded || size > options.maxBytes) {
          release();
          return callback(replyError(552, `Message is larger than ${options.maxBytes} bytes`));
        }
        if (busy) {
          warn("too much mail arriving at once: answered 451");
          return callback(replyError(451, "Too much mail at once, please try again later"));
        }
        const raw = Buffer.concat(chunks);
        chunks = [];
        const envelope = session.envelope;
        const mail = {
          via: "smtp" as const,
          envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address.toLowerCase() : "",
          envelopeTo: envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw,
        };
        transactionOf(db, (sql) => storeReceivedMail(sql, mail))
          .finally(release)
          .then(
            (id) => callback(null, `Queued as ${id}`),
            (error: Error) => {
              warn(`could not store a mail (${error.message}): answered 451`);
              callback(replyError(451, "Temporary failure, please try again later"));
            },
          );
      });
    },
  });
  server.on("error", (error) => warn(error.message));
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.server.once("error", failed);
    server.listen(options.port, options.host, () => {
      server.server.off("error", failed);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function replyError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
