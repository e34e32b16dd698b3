// The days of a business calendar's week, Monday first (ISO 8601). On their
// own so that browser code (the calendar editor) can use them without the
// calendar math.
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
