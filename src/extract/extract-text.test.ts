import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makePptx, makeRtf } from '../../test/support/make-files.js';
import { extractText } from './extract-text.js';
import { ExtractionError } from './extraction-error.js';

describe('extractText', () => {
  it('reads plain text and Markdown, in UTF-8 or Windows-1252', async () => {
    expect(await extractText(Buffer.from('# Title\n\nCafé crème'), 'md')).toBe('# Title\n\nCafé crème');
    expect(await extractText(Buffer.from([0x43, 0x61, 0x66, 0xe9]), 'txt')).toBe('Café');
  });
  it('reads HTML without its markup or scripts', async () => {
    const text = await extractText(Buffer.from('<html><script>var x=1</script><body><h1>Menu</h1><p>Soup &amp; bread</p></body></html>'), 'html');
    expect(text).toContain('Menu');
    expect(text).toContain('Soup & bread');
    expect(text).not.toContain('var x');
  });
  it('keeps Markdown as written, HTML in its code samples included', async () => {
    const md = '# Setup\n\n```html\n<html><body><p>Hi</p></body></html>\n```\n\nDone.';
    expect(await extractText(Buffer.from(md), 'md')).toBe(md);
  });
  it('marks the headings and preformatted blocks of HTML', async () => {
    const text = await extractText(Buffer.from('<html><body><h2>Install</h2><p>Run:</p><pre>npm i\n  --save</pre></body></html>'), 'html');
    expect(text).toBe('## Install\n\nRun:\n\n```\nnpm i\n  --save\n```');
  });
  it('reads a PDF', async () => {
    const text = await extractText(makePdf(['The warranty lasts two years.', 'Batteries (not included).']), 'pdf');
    expect(text).toContain('The warranty lasts two years.');
    expect(text).toContain('Batteries (not included).');
  });
  it('reads Word documents, with or without macros', async () => {
    expect(await extractText(makeDocx(['First paragraph.', 'Zweiter Absatz: Größe']), 'docx')).toBe('First paragraph.\n\nZweiter Absatz: Größe');
    expect(await extractText(makeDocx(['Macro document.'], { macros: true }), 'docm')).toContain('Macro document.');
  });
  it('reads PowerPoint presentations, slide by slide', async () => {
    const text = await extractText(makePptx([['Quarterly review', 'Revenue grew 12%'], ['Next steps']]), 'pptx');
    expect(text).toBe('Quarterly review\nRevenue grew 12%\n\nNext steps');
    expect(await extractText(makePptx([['With macros']], { macros: true }), 'pptm')).toBe('With macros');
  });
  it('reads RTF, leaving out font tables and decoding escapes', async () => {
    expect(await extractText(makeRtf(['Hello {world}', 'Prix: 10 €, café']), 'rtf')).toBe('Hello {world}\nPrix: 10 €, café');
    expect(await extractText(Buffer.from("{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 caf\\'e9\\par}", 'latin1'), 'rtf')).toBe('café');
  });

  const failures: [string, Buffer, Parameters<typeof extractText>[1], RegExp][] = [
    ['a corrupt PDF', Buffer.concat([makePdf(['x']).subarray(0, 60), Buffer.from('garbage')]), 'pdf', /PDF/],
    ['text calling itself a PDF', Buffer.from('just text'), 'pdf', /not a valid PDF/],
    ['text calling itself a docx', Buffer.from('just text'), 'docx', /not a valid Word/],
    ['a zip calling itself a docx', makePptx([['x']]), 'docx', /Word/],
    ['a docx calling itself a pptx', makeDocx(['x']), 'pptx', /no slides/],
    ['a truncated docx', makeDocx(['hello']).subarray(0, 100), 'docx', /Word/],
    ['text calling itself RTF', Buffer.from('plain'), 'rtf', /not a valid RTF/],
    ['binary calling itself text', Buffer.from([0, 1, 2, 3, 0]), 'txt', /not a text file/],
    ['text calling itself a .doc', Buffer.from('plain'), 'doc', /not a valid Word 97/],
    ['a damaged .doc', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 1)]), 'doc', /could not be read/],
    ['a legacy PowerPoint file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), 'ppt', /not supported/],
    ['a file with no text', Buffer.from('   \n '), 'txt', /no text/],
  ];
  it.each(failures)('refuses %s with a reason', async (_name, bytes, format, reason) => {
    const err = await extractText(bytes, format).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ExtractionError);
    expect((err as Error).message).toMatch(reason);
  });
});
