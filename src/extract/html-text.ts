import { convert, type FormatCallback } from 'html-to-text';

/** Headings become Markdown ATX headings, so that passages can open at them (see split-passages.ts). */
const heading = (level: number): FormatCallback => (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(`${'#'.repeat(level)} `);
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

/** Preformatted text becomes a fenced block: its lines are kept, and it is one block to the splitter. */
const fenced: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2, isPre: true });
  builder.addLiteral('```\n');
  walk(elem.children, builder);
  builder.addLiteral('\n```');
  builder.closeBlock({ trailingLineBreaks: 2 });
};

/** Readable text of an HTML document or fragment: block structure kept, markup, scripts and styles dropped. */
export function htmlText(html: string): string {
  return convert(html, {
    wordwrap: false,
    formatters: {
      h1: heading(1), h2: heading(2), h3: heading(3), h4: heading(4), h5: heading(5), h6: heading(6), fenced,
    },
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      ...[1, 2, 3, 4, 5, 6].map((n) => ({ selector: `h${n}`, format: `h${n}` })),
      { selector: 'pre', format: 'fenced' },
      { selector: 'table', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}
