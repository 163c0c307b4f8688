/** One segmenter for all: `Intl.Segmenter` follows Unicode's sentence rules (UAX #29), so the dot of a URL, a file name, an IP address or a number ends no sentence. */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/** The sentences of a text, trimmed, empty ones left out. */
export function sentences(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter(Boolean);
}
