import { describe, expect, it } from 'vitest';
import { splitPassages } from './split-passages.js';

const texts = (text: string, maxChars?: number) => splitPassages(text, maxChars).map((p) => p.text);

describe('splitPassages', () => {
  it('keeps a short document whole, and has nothing for blank text', () => {
    expect(splitPassages('One.\n\nTwo.')).toEqual([{ text: 'One.\n\nTwo.', section: [] }]);
    expect(splitPassages(' \n\n \t')).toEqual([]);
  });

  it('opens a passage at each Markdown heading, which knows its title path', () => {
    const md = '# Guide\n\nIntro.\n\n## Install\n\nRun the installer.\n\n## Usage\n\n### Options\n\nSet the port.\n\n# Other\n\nMore.';
    expect(splitPassages(md)).toEqual([
      { text: 'Guide\n\nIntro.', section: ['Guide'] },
      { text: 'Install\n\nRun the installer.', section: ['Guide', 'Install'] },
      // A heading with nothing under it travels with the next one.
      { text: 'Usage\n\nOptions\n\nSet the port.', section: ['Guide', 'Usage', 'Options'] },
      { text: 'Other\n\nMore.', section: ['Other'] },
    ]);
  });

  it('opens a passage at a plain-text heading instead of ending the previous one with it', () => {
    const txt = 'Returns\n\nItems may be returned within 30 days.\n\nShipping\n\nWe ship to the EU.';
    expect(splitPassages(txt)).toEqual([
      { text: 'Returns\n\nItems may be returned within 30 days.', section: ['Returns'] },
      { text: 'Shipping\n\nWe ship to the EU.', section: ['Shipping'] },
    ]);
  });

  it('keeps a code block whole, with the HTML in it, and reads links by their text', () => {
    const code = '```html\n<html>\n<body>\n' + '  <p>line</p>\n'.repeat(60) + '</body>\n</html>\n```';
    const md = `## Example\n\n![badge](https://ci/badge.svg) ![NPM Version][npm-url]\n\nSee [the docs](https://example.com/docs.html).\n\n${code}\n\nAfter the sample.`;
    const passages = texts(md, 300);
    expect(passages.some((p) => p.includes(code))).toBe(true);
    expect(passages[0]).toBe('Example\n\nSee the docs.');
    expect(passages.at(-1)).toBe('After the sample.');
  });

  it('keeps every character of plain text, tags and stars included', () => {
    const txt = 'Wrap a word in <b> and </b> to make it **bold**.\n\nThen save the file as notes_v2.txt.';
    expect(texts(txt)).toEqual([txt]);
  });

  it('cuts a long paragraph between sentences, never at the dot of a URL, address or number', () => {
    const sentence = 'Point the client at api.example.com or 10.0.0.1 and pay 4.90 euros for config.json. ';
    const passages = texts(sentence.repeat(20).trim(), 200);
    expect(passages.length).toBeGreaterThan(5);
    for (const p of passages) expect(p).toMatch(/^Point the client .* config\.json\.$/);
  });

  it('cuts a long list between items and a word longer than a passage where it must', () => {
    const list = Array.from({ length: 30 }, (_, i) => `- item ${i} has a short description`).join('\n');
    const passages = texts(list, 200);
    expect(passages.length).toBeGreaterThan(3);
    for (const p of passages) expect(p.split('\n').every((l) => /^- item \d+ has a short description$/.test(l))).toBe(true);
    expect(texts('x'.repeat(450), 200)).toEqual(['x'.repeat(200), 'x'.repeat(200), 'x'.repeat(50)]);
    const minified = '```\n' + 'y'.repeat(1000) + '\n```';
    expect(texts(minified, 200).every((p) => p.length <= 200)).toBe(true);
  });
});
