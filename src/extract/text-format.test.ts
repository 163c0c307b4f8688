import { describe, expect, it } from 'vitest';
import { detectTextFormat } from './text-format.js';

describe('detectTextFormat', () => {
  it('takes an HTML document or a fragment of HTML blocks for HTML', () => {
    expect(detectTextFormat('<!DOCTYPE html><html><body><p>Hi</p></body></html>')).toBe('html');
    expect(detectTextFormat('<!-- saved page -->\n<html lang="en"><p>Hi</p></html>')).toBe('html');
    expect(detectTextFormat('<h1>Menu</h1><script>alert(1)</script><p>Soup &amp; bread</p>')).toBe('html');
    expect(detectTextFormat('<div>\n<p>One</p>\n\n<p>Two</p>\n</div>')).toBe('html');
  });

  it('takes Markdown for Markdown, whatever tags its code samples or paragraphs hold', () => {
    expect(detectTextFormat('# Setup\n\n```html\n<html><body>x</body></html>\n```')).toBe('markdown');
    expect(detectTextFormat('<p align="center"><img src="logo.png"></p>\n\n# Title\n\nText with <br> in it.')).toBe('markdown');
    expect(detectTextFormat('Read [the guide](https://example.com).')).toBe('markdown');
    expect(detectTextFormat('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('markdown');
  });

  it('takes anything else for plain text', () => {
    expect(detectTextFormat('We open at nine.\n\nWe close at five.')).toBe('text');
    expect(detectTextFormat('Use <b> for bold, said nobody.\nSecond line')).toBe('text');
    expect(detectTextFormat('    indented like a letter')).toBe('text');
  });
});
