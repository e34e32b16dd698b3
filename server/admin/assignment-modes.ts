// How a team's tickets find an agent (server/assignment/). Pure: forms import it.
export const ASSIGNMENT_MODES = ["manual", "round_robin", "least_loaded"] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];
