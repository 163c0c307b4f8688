/** The quota counts messages in day buckets (UTC); the window is today and the 29 days before it. */
export const DAY_MS = 86_400_000;
export const WINDOW_DAYS = 30;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const firstDayOfWindow = (now: number) => dayOf(now) - (WINDOW_DAYS - 1);
