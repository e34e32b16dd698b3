// The versioned JSON API. Handlers are thin: authenticate, call the domain
// service (which parses input and checks permissions), shape the JSON.
import express, { type Request } from "express";
import { z } from "zod";
import { db } from "../db/client.ts";
import { signIn } from "../auth/accounts.ts";
import { issueApiToken, userForApiToken } from "../auth/api-tokens.ts";
import type { AuthUser } from "../auth/policy.ts";
import { DomainError, notFound } from "../errors.ts";
import { addMessage, createTicket, getTicket, listTickets, updateTicket } from "../tickets/service.ts";
import { answerSurvey, getSurveyByToken } from "../surveys/service.ts";
import { getCustomerHealth } from "../health/service.ts";
import { searchArticles } from "../../search/articles.ts";
import { TicketNumberSchema } from "../tickets/schemas.ts";
import { ticketJson, messageJson } from "./present.ts";
import { openApiDocument } from "./openapi.ts";
import { errorHandler, route } from "./http.ts";


function ticketNumber(req: Request): number {
  const parsed = TicketNumberSchema.safeParse(req.params.number);
  if (!parsed.success) throw notFound("errors.ticketNotFound");
  return parsed.data;
}

async function requireApiUser(req: Request): Promise<AuthUser> {
  const header = req.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const user = match ? await userForApiToken(db(), match[1]) : null;
  if (!user) throw new DomainError("unauthorized", "errors.invalidToken");
  return user;
}

export function apiRouter() {
  const api = express.Router();
  api.use(express.json({ limit: "256kb" }));

  api.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });

  api.post(
    "/auth/token",
    route(async (req, res) => {
      const user = await signIn(db(), req.body);
      const { token, expiresAt } = await issueApiToken(db(), user.id);
      res.status(201).json({ token, expiresAt });
    }),
  );

  api.get(
    "/me",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      res.json({ id: user.id, email: user.email, name: user.name, role: user.role, customerId: user.customerId });
    }),
  );

  api.get(
    "/tickets",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const tickets = await listTickets(db(), user, req.query);
      const now = new Date();
      res.json({ data: tickets.map((t) => ticketJson(t, user, now)) });
    }),
  );

  api.post(
    "/tickets",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const ticket = await createTicket(db(), user, req.body, "api");
      res.status(201).json(ticketJson(ticket, user, new Date()));
    }),
  );

  api.get(
    "/tickets/:number",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const { ticket, messages, survey } = await getTicket(db(), user, ticketNumber(req));
      res.json({ ...ticketJson(ticket, user, new Date()), messages: messages.map(messageJson), survey });
    }),
  );

  api.patch(
    "/tickets/:number",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const ticket = await updateTicket(db(), user, ticketNumber(req), req.body);
      res.json(ticketJson(ticket, user, new Date()));
    }),
  );

  api.get(
    "/tickets/:number/messages",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const { messages } = await getTicket(db(), user, ticketNumber(req));
      res.json({ data: messages.map(messageJson) });
    }),
  );

  api.post(
    "/tickets/:number/messages",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const message = await addMessage(db(), user, ticketNumber(req), req.body);
      res.status(201).json(messageJson(message));
    }),
  );

  api.get(
    "/surveys/:token",
    route(async (req, res) => {
      res.json(await getSurveyByToken(db(), String(req.params.token)));
    }),
  );

  api.post(
    "/surveys/:token",
    route(async (req, res) => {
      const result = await answerSurvey(db(), String(req.params.token), req.body);
      res.status(201).json({ rating: result.rating });
    }),
  );

  api.get(
    "/customers/:id/health",
    route(async (req, res) => {
      const user = await requireApiUser(req);
      const id = z.uuid().safeParse(req.params.id);
      if (!id.success) throw notFound();
      const health = await getCustomerHealth(db(), user, id.data);
      if (!health) throw notFound();
      res.json(health);
    }),
  );

  api.get(
    "/kb/search",
    route(async (req, res) => {
      const query = z
        .object({ q: z.string().max(200, "validation.query").default(""), locale: z.enum(["en", "zh-CN"]).optional() })
        .safeParse(req.query);
      if (!query.success) throw new DomainError("validation_failed", "errors.validation", { q: ["validation.query"] });
      const result = await searchArticles({ query: query.data.q, locale: query.data.locale }).catch((error) => {
        if (error instanceof DomainError) throw error;
        console.warn("[kb search]", (error as Error).message);
        throw new DomainError("unavailable", "errors.searchUnavailable");
      });
      res.json(result);
    }),
  );

  api.use((_req, _res, next) => next(notFound()));
  api.use(errorHandler);
  return api;
}
