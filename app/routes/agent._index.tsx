// The workspace with no ticket open: the list (app/routes/agent.tsx) takes the room.
export default function NoTicketOpen() {
  return null;
}
