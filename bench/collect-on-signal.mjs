// Preloaded (node --expose-gc --import) into the processes whose memory the held-streams scenario
// reads, Parley and the relay floor: on SIGUSR2 the process collects its garbage in full, twice,
// compacting, and says so on stdout. Resident memory is then what the process keeps, not what the
// last burst of work left for a collection that V8 would run at some later moment (its memory
// reducer does after ~20 s of quiet). Compacting, because V8's full collections otherwise move
// objects out of a partly used page only when its heuristics say so: whether they did swung a
// reading by 4–5 KB a stream of 10,000 (pages of old space committed but a fifth empty), from one
// run to the next of the same build. Plain JavaScript, so that node loads it as is into compiled Parley.
import v8 from 'node:v8';

let count = 0;
process.on('SIGUSR2', () => {
  v8.setFlagsFromString('--compact-on-every-full-gc');
  globalThis.gc?.();
  globalThis.gc?.();
  v8.setFlagsFromString('--no-compact-on-every-full-gc');
  // The sweeping that returns freed pages to the system finishes after gc() returns.
  setTimeout(() => process.stdout.write(`collected ${++count}\n`), 100);
});
