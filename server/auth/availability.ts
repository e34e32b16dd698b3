// An agent's availability: online (taking work), away (back soon) or
// offline, as they set it in the header (setAvailability, accounts.ts).
// Colleagues see it where they hand out work (the assignee lists); automatic
// assignment will ask it too. No I/O here: the browser's picker uses it.
import { z } from "zod";

export const AVAILABILITIES = ["online", "away", "offline"] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const AvailabilitySchema = z.object({ availability: z.enum(AVAILABILITIES, { error: "validation.availability" }) });
