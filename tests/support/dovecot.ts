// A real IMAP server for tests: Debian's Dovecot (dovecot-imapd, installed by .ci/run), started in
// the foreground with a configuration of its own in a temporary directory, on a free port, with
// one mailbox user. Never the system service. Needs root (Dovecot starts as root and drops to its
// users); the mail belongs to "nobody".
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

const DOVECOT = "/usr/sbin/dovecot";

/** Why Dovecot cannot run here, or null when it can. */
export function dovecotUnavailable(): string | null {
  if (!fs.existsSync(DOVECOT)) return "Dovecot is not installed (apt-get install -y dovecot-imapd; .ci/run does it)";
  if (process.getuid?.() !== 0) return "Dovecot must be started as root";
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDovecot(user = "support@imap.test", password = "imap-secret"): Promise<Dovecot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "helpdesk-dovecot-"));
  const port = await freePort();
  const nobody = { uid: 65534, gid: 65534 };
  for (const sub of ["run", "state", "mail"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.chmodSync(dir, 0o755);
  fs.chownSync(path.join(dir, "mail"), nobody.uid, nobody.gid);
  fs.writeFileSync(path.join(dir, "passwd"), `${user}:{PLAIN}${password}:${nobody.uid}:${nobody.gid}::${path.join(dir, "mail", "support")}\n`);
  fs.writeFileSync(
    path.join(dir, "dovecot.conf"),
    `
instance_name = helpdesk-test-${process.pid}-${port}
base_dir = ${path.join(dir, "run")}
state_dir = ${path.join(dir, "state")}
log_path = ${path.join(dir, "dovecot.log")}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = ${nobody.uid}
last_valid_uid = ${nobody.uid}
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${path.join(dir, "passwd")}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${path.join(dir, "passwd")}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT, ["-F", "-c", path.join(dir, "dovecot.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("data", (d) => {
        socket.destroy();
        resolve(d.toString().startsWith("* OK"));
      });
      socket.once("error", () => resolve(false));
    });
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      const log = fs.existsSync(path.join(dir, "dovecot.log")) ? fs.readFileSync(path.join(dir, "dovecot.log"), "utf8") : "";
      throw new Error(`Dovecot did not start: ${output}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
