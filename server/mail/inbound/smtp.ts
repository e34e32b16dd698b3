// The helpdesk's own mail server (smtp-server): point the support address's MX, or a forwarding
// rule, at it. It takes mail for any address at any domain (what is ours is decided when the mail is
// read), keeps each one whole in the database with the job that reads it, and only then answers
// 250: a mail it acknowledged is never lost. A database failure answers 451 so the sender retries;
// a mail over the size limit is refused with 552.
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

export async function startInboundSmtp(
  db: Db,
  options: { host: string; port: number; maxBytes: number },
  warn: (message: string) => void = (m) => console.warn("[inbound smtp]", m),
): Promise<InboundSmtp> {
  const server = new SMTPServer({
    banner: "Helpdesk mail",
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    hideSTARTTLS: true,
    logger: false,
    maxClients: 100,
    // Stopping does not wait long for senders in the middle of a mail: they retry what was not acknowledged.
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and dropped, so the sender hears the answer.
        if (size <= options.maxBytes) chunks.push(chunk);
      });
      stream.on("error", (error) => callback(error));
      stream.on("end", () => {
        if (stream.sizeExceeded || size > options.maxBytes) return callback(replyError(552, `Message is larger than ${options.maxBytes} bytes`));
        const raw = Buffer.concat(chunks);
        const envelope = session.envelope;
        const mail = {
          via: "smtp" as const,
          envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address.toLowerCase() : "",
          envelopeTo: envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw,
        };
        transactionOf(db, (sql) => storeReceivedMail(sql, mail)).then(
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
