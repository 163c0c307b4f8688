import { DOMParser } from '@xmldom/xmldom';
import { strFromU8 } from 'fflate';
import { ExtractionError } from './extraction-error.js';
import { zipEntries } from './zip-entries.js';

const DRAWING_NS = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const SLIDE = /^ppt\/slides\/slide(\d+)\.xml$/;

/** The text of a PowerPoint presentation (.pptx, .pptm), slide by slide, one paragraph a line. */
export function pptxText(bytes: Buffer): string {
  const entries = zipEntries(bytes, 'PowerPoint', (name) => SLIDE.test(name));
  const slides = Object.keys(entries).sort((a, b) => Number(SLIDE.exec(a)![1]) - Number(SLIDE.exec(b)![1]));
  if (!slides.length) throw new ExtractionError('The file is not a valid PowerPoint file (it has no slides).');
  return slides.map((name) => slideText(strFromU8(entries[name]), name)).filter(Boolean).join('\n\n');
}

function slideText(xml: string, name: string): string {
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level === 'fatalError') throw new Error(msg); } })
      .parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new ExtractionError(`The PowerPoint file could not be read (${name}: ${(err as Error).message}).`);
  }
  const paragraphs = Array.from(doc.getElementsByTagNameNS(DRAWING_NS, 'p'));
  return paragraphs
    .map((p) => Array.from(p.getElementsByTagNameNS(DRAWING_NS, 't')).map((t) => t.textContent ?? '').join(''))
    .filter((line) => line.trim())
    .join('\n');
}
