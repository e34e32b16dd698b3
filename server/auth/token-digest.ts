// Secrets handed out (session ids, API tokens, mailed links) are stored only as their SHA-256: a
// copy of the tables opens nothing. Random tokens need no slow hash; passwords do (password.ts).
import { createHash } from "node:crypto";

export const tokenDigest = (token: string) => createHash("sha256").update(token).digest("hex");
