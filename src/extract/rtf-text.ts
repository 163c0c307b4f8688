import { ExtractionError } from './extraction-error.js';

/** Groups whose content is not document text (tables of fonts, colours, styles, metadata, pictures…). */
const SKIPPED = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'themedata', 'colorschememapping',
  'latentstyles', 'datastore', 'xmlnstbl', 'listtable', 'listoverridetable', 'rsidtbl', 'generator',
  'fldinst', 'header', 'footer', 'headerl', 'headerr', 'footerl', 'footerr', 'filetbl', 'revtbl',
  'mmathPr', 'pgdsctbl', 'bkmkstart', 'bkmkend', 'xe', 'tc', 'private', 'nonshppict', 'shppict',
]);
const BREAKS: Record<string, string> = { par: '\n', line: '\n', sect: '\n\n', page: '\n\n', row: '\n', tab: '\t', cell: '\t' };
const SYMBOLS: Record<string, string> = {
  emdash: '—', endash: '–', bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”', emspace: ' ', enspace: ' ',
};

interface State { skip: boolean; uc: number }

/**
 * The text of an RTF document. RTF is a flat stream of groups, control words and text, so a
 * small interpreter is all it takes; no maintained RTF-to-text package runs on Node 20.
 */
export function rtfText(bytes: Buffer): string {
  const src = bytes.toString('latin1');
  if (!src.startsWith('{\\rtf')) throw new ExtractionError('The file is not a valid RTF file.');
  const decoder = new TextDecoder('windows-1252');
  const stack: State[] = [];
  let state: State = { skip: false, uc: 1 };
  let out = '';
  let pendingBytes: number[] = [];
  let skipFallback = 0;
  const flush = () => {
    if (pendingBytes.length) out += decoder.decode(Uint8Array.from(pendingBytes));
    pendingBytes = [];
  };
  const emit = (text: string) => {
    if (state.skip) return;
    flush();
    out += text;
  };

  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '{') {
      stack.push(state);
      state = { ...state };
      i++;
    } else if (c === '}') {
      flush();
      state = stack.pop() ?? state;
      i++;
    } else if (c === '\\') {
      const next = src[i + 1];
      if (next === "'") {
        const code = parseInt(src.slice(i + 2, i + 4), 16);
        i += 4;
        if (skipFallback > 0) skipFallback--;
        else if (!state.skip && Number.isFinite(code)) pendingBytes.push(code);
        continue;
      }
      const word = /^\\([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(src.slice(i, i + 48));
      if (!word) {
        // A control symbol: \\ \{ \} are literal; \~ is a no-break space; a backslash-newline is \par.
        i += 2;
        if (next === '*') state.skip = true;
        else if (next === '\\' || next === '{' || next === '}') emit(next);
        else if (next === '~') emit('\u00a0');
        else if (next === '_') emit('-');
        else if (next === '\n' || next === '\r') emit('\n');
        continue;
      }
      i += word[0].length;
      const [, name, param] = word;
      if (SKIPPED.has(name)) state.skip = true;
      else if (name === 'uc') state.uc = Number(param ?? 1);
      else if (name === 'u') {
        let code = Number(param ?? 0);
        if (code < 0) code += 65536;
        emit(String.fromCharCode(code));
        skipFallback = state.uc;
      } else if (BREAKS[name]) emit(BREAKS[name]);
      else if (SYMBOLS[name]) emit(SYMBOLS[name]);
    } else {
      i++;
      if (c === '\r' || c === '\n') continue;
      if (skipFallback > 0) {
        skipFallback--;
        continue;
      }
      emit(c);
    }
  }
  flush();
  return out.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}
