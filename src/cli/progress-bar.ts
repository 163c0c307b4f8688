/**
 * A one-line progress bar on stderr when it is a terminal (`[██████░░░░] 6/10 name`), redrawn in
 * place; elsewhere (a pipe, a CI log) one plain line per step instead, so logs stay readable.
 */
export function progressBar(total: number, enabled: boolean) {
  const tty = enabled && process.stderr.isTTY;
  const width = 24;
  return {
    update(done: number, label: string) {
      if (!enabled) return;
      if (!tty) {
        process.stderr.write(`${done}/${total} ${label}\n`);
        return;
      }
      const filled = Math.round((done / Math.max(1, total)) * width);
      const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${label}`;
      process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 80) - 1).padEnd((process.stderr.columns ?? 80) - 1)}`);
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}
