import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { destroyUserSession } from "../services.server.ts";

export const loader = () => redirect("/");

export async function action({ request }: ActionFunctionArgs) {
  return destroyUserSession(request);
}
