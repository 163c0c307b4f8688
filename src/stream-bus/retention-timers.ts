/**
 * The timers after which a bus forgets a finished reply's local copy: unref'd, so they hold no
 * process open, and all cleared when the bus closes.
 */
export function retentionTimers() {
  const timers = new Set<NodeJS.Timeout>();
  return {
    after(ms: number, forget: () => void): void {
      const timer = setTimeout(() => {
        timers.delete(timer);
        forget();
      }, ms);
      timer.unref();
      timers.add(timer);
    },
    clear(): void {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
