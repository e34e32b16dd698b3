// Presence across web processes. A browser's announcements ("viewing",
// "typing", "left") go to every process over PostgreSQL NOTIFY, on the
// wake-up connection (server/events/feed.ts); each process applies them to
// its board (presence.ts) and tells its own sockets on the ticket who is
// there. A socket that disconnects is announced as gone by its process; one
// whose process died expires from the other boards. Staff only: a socket may
// announce a ticket only from the ticket's staff room, which customers never
// join.
import { z } from "zod";
import type { Wakeup } from "../events/feed.ts";
import { PresenceBoard, type Announcement, type PresenceState } from "./presence.ts";
import { PresenceSchema, rooms } from "./protocol.ts";
import type { RealtimeServer } from "./socket.ts";

export const PRESENCE_CHANNEL = "helpdesk_presence";

const AnnouncementSchema = z.object({
  ticketId: z.string().min(1).max(64),
  userId: z.string().min(1).max(64),
  name: z.string().max(200),
  socketId: z.string().min(1).max(64),
  state: z.enum(["viewing", "typing", "left"]),
});

/** The same state again from one socket sooner than this is dropped: a browser repeating itself does not flood every process. */
const REPEAT_MS: Record<PresenceState, number> = { viewing: 5_000, typing: 1_000, left: 0 };
const SWEEP_MS = 1_000;
const STAFF_ROOM = /^ticket:(.+):staff$/;

export class PresenceSync {
  private board = new PresenceBoard();
  private timer?: NodeJS.Timeout;
  private swept = Date.now();

  constructor(
    private io: RealtimeServer,
    private wakeup: Wakeup,
    private onError: (error: Error, context: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.wakeup.listen(PRESENCE_CHANNEL, (payload) => this.receive(payload));
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
    this.io.on("connection", (socket) => {
      const last = new Map<string, { state: PresenceState; at: number }>();
      const announce = (ticketId: string, state: PresenceState) => {
        const now = Date.now();
        const previous = last.get(ticketId);
        if (previous?.state === state && now - previous.at < REPEAT_MS[state]) return;
        last.set(ticketId, { state, at: now });
        if (state === "left") last.delete(ticketId);
        const announcement: Announcement = { ticketId, userId: socket.data.userId, name: socket.data.name, socketId: socket.id, state };
        this.wakeup.publish(PRESENCE_CHANNEL, JSON.stringify(announcement));
      };
      socket.on("ticket:presence", (raw, ack) => {
        const parsed = PresenceSchema.safeParse(raw);
        if (!parsed.success) return;
        const { ticketId, state } = parsed.data;
        // Only from the ticket's staff room, joined through the policy (ticket:watch).
        if (!socket.rooms.has(rooms.ticketStaff(ticketId))) return;
        announce(ticketId, state);
        // Who is there already: a tab joining someone who has the ticket open elsewhere changes nobody's picture.
        if (typeof ack === "function") ack(this.board.viewers(ticketId, Date.now()));
      });
      // Gone without a word (a closed tab, a lost connection): say so for it.
      socket.on("disconnecting", () => {
        for (const room of socket.rooms) {
          const ticketId = STAFF_ROOM.exec(room)?.[1];
          if (ticketId && last.has(ticketId)) announce(ticketId, "left");
        }
      });
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private receive(payload: string) {
    try {
      const announcement = AnnouncementSchema.parse(JSON.parse(payload));
      if (this.board.apply(announcement, Date.now())) this.tell(announcement.ticketId);
    } catch (error) {
      this.onError(error as Error, "presence message");
    }
  }

  private sweep() {
    const now = Date.now();
    for (const ticketId of this.board.expire(this.swept, now)) this.tell(ticketId);
    this.swept = now;
  }

  /** This process's sockets on the ticket learn who is there now. */
  private tell(ticketId: string) {
    const room = rooms.ticketStaff(ticketId);
    if (!this.io.sockets.adapter.rooms.has(room)) return;
    this.io.to(room).emit("ticket:presence", { ticketId, viewers: this.board.viewers(ticketId, Date.now()) });
  }
}
