// Preloaded (node --expose-gc --import) into the processes whose memory the held-streams scenario
// reads, Parley and the relay floor: on SIGUSR2 the process collects its garbage in full, twice,
// and says so on stdout. Resident memory is then what the process keeps, not what the last burst
// of work left for a collection that V8 would run at some later moment (its memory reducer does
// after ~20 s of quiet). Plain JavaScript, so that node loads it as is into compiled Parley.
let count = 0;
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  // The sweeping that returns freed pages to the system finishes after gc() returns.
  setTimeout(() => process.stdout.write(`collected ${++count}\n`), 100);
});
