/** Passages of about this many characters: small enough to quote, big enough to carry a fact with its context. */
export const PASSAGE_CHARS = 900;

/**
 * Splits text into passages along paragraph, then sentence, then word boundaries, packing
 * neighbours together up to `maxChars`.
 */
export function splitPassages(text: string, maxChars = PASSAGE_CHARS): string[] {
  const pieces = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t\f\v]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim())
    .filter(Boolean)
    .flatMap((p) => (p.length <= maxChars ? [p] : splitLong(p, maxChars)));

  const passages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + 2 + piece.length > maxChars) {
      passages.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) passages.push(current);
  return passages;
}

function splitLong(paragraph: string, maxChars: number): string[] {
  const sentences = paragraph.match(/[^.!?\n]+(?:[.!?]+["')\]]*|\n|$)\s*/g) ?? [paragraph];
  const out: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) out.push(current.trim());
    current = '';
  };
  for (const s of sentences.flatMap((x) => (x.length <= maxChars ? [x] : splitWords(x, maxChars)))) {
    if (current.length + s.length > maxChars) push();
    current += s;
  }
  push();
  return out;
}

function splitWords(sentence: string, maxChars: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of sentence.split(/(\s+)/)) {
    if (current.length + word.length > maxChars && current) {
      out.push(current);
      current = '';
    }
    // A single "word" longer than a passage (a base64 blob, say) is cut where it must be.
    for (let w = word; w.length; w = w.slice(maxChars)) {
      if (w.length > maxChars) out.push(w.slice(0, maxChars));
      else current += w;
      if (w.length <= maxChars) break;
    }
  }
  if (current.trim()) out.push(current);
  return out;
}
