// An attachment's bytes for the signed-in browser: the policy decides
// (server/attachments/service.ts); the name in the path is only for the
// reader and the saved file. Anyone who may not read it gets "not found".
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { attachmentHeaders, db, openAttachment, requireUser } from "../services.server.ts";
import { asResponse } from "../utils/forms.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new Response("errors.attachmentNotFound", { status: 404 });
  const file = await openAttachment(db(), user, id.data).catch(asResponse);
  const headers = attachmentHeaders(file, { download: new URL(request.url).searchParams.has("download") });
  // HEAD: the headers only; the file opened for them is closed at once.
  if (request.method === "HEAD") {
    file.body.destroy();
    return new Response(null, { headers });
  }
  return new Response(createReadableStreamFromReadable(file.body), { headers });
}
