import { describe, expect, it } from 'vitest';
import { extractiveAnswer, NOTHING_FOUND, unwrapProse } from './extractive-answer.js';

const passage = (text: string) => ({ documentId: 1, documentName: 'guide.md', passage: text, section: ['Guide', 'Debug'], score: 1 });

describe('the extractive answer', () => {
  it('quotes a hard-wrapped paragraph as one line, so that no quote marker falls inside a sentence', () => {
    const reply = extractiveAnswer([passage('This can be useful if you want to disable debugging\ntemporarily without knowing what was enabled.')]);
    expect(reply).toContain('> This can be useful if you want to disable debugging temporarily without knowing what was enabled.');
    expect(reply).toContain('From "guide.md" (Guide › Debug):');
  });

  it('keeps the lines of code blocks, lists and tables, and the paragraphs apart', () => {
    const text = 'Intro line one\nline two.\n\n```js\nconst a = 1\nconst b = 2\n```\n\n- item one\n  continued\n- item two\n\n| a | b |\n|---|---|\n| 1 | 2 |';
    expect(unwrapProse(text)).toBe('Intro line one line two.\n\n```js\nconst a = 1\nconst b = 2\n```\n\n- item one continued\n- item two\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(extractiveAnswer([passage(text)])).toContain('> Intro line one line two.\n>\n> ```js\n> const a = 1\n');
  });

  it('keeps a Markdown hard break (two trailing spaces)', () => {
    expect(unwrapProse('Usage :  \n`enable(namespaces)`')).toBe('Usage :  \n`enable(namespaces)`');
  });

  it('says plainly that nothing was found', () => {
    expect(extractiveAnswer([])).toBe(NOTHING_FOUND);
  });
});
