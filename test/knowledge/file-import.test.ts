import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOO_MANY_IMPORTS_MESSAGE } from '../../src/domain/documents.js';
import { makeDocx, makePdf, makePptx, makeRtf } from '../support/make-files.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { importFile, makeFolder, upload } from './knowledge-helpers.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

describe('file import', () => {
  let parley: RunningParley;
  let t: Tenant;
  let folder: string;
  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
    folder = await makeFolder(t);
  });
  afterAll(() => parley.stop());

  const text = async (doc: { id: string }) => (await t.api('GET', `/documents/${doc.id}/content`)).text;

  const formats: [string, string, () => Buffer, string[]][] = [
    ['notes.txt', 'text/plain', () => Buffer.from('Plain text notes.\nSecond line.'), ['Plain text notes.', 'Second line.']],
    ['readme.md', 'text/markdown', () => Buffer.from('# Setup\n\nRun `npm start`.'), ['# Setup', 'Run `npm start`.']],
    ['page.html', 'text/html', () => Buffer.from('<html><head><title>T</title><style>p{}</style></head><body><p>Hours: 9 to 5</p></body></html>'), ['Hours: 9 to 5']],
    ['manual.pdf', 'application/pdf', () => makePdf(['The warranty lasts two years.', 'Keep the receipt.']), ['The warranty lasts two years.', 'Keep the receipt.']],
    ['report.docx', DOCX, () => makeDocx(['Quarterly report', 'Sales rose by 8%.']), ['Quarterly report\n\nSales rose by 8%.']],
    ['macro.docm', 'application/vnd.ms-word.document.macroEnabled.12', () => makeDocx(['Macro enabled.'], { macros: true }), ['Macro enabled.']],
    ['deck.pptx', PPTX, () => makePptx([['Roadmap', 'Q1: beta'], ['Q2: launch']]), ['Roadmap\nQ1: beta\n\nQ2: launch']],
    ['deck.pptm', 'application/vnd.ms-powerpoint.presentation.macroEnabled.12', () => makePptx([['Macro deck']], { macros: true }), ['Macro deck']],
    ['letter.rtf', 'application/rtf', () => makeRtf(['Dear customer,', 'Thank you — Müller']), ['Dear customer,\nThank you — Müller']],
  ];
  it.each(formats)('imports %s (%s) and keeps its text', async (name, type, make, expected) => {
    const doc = await importFile(t, folder, name, type, make());
    expect(doc).toMatchObject({ name, status: 'synced', failure_reason: null, folder_id: folder });
    const content = await text(doc);
    for (const e of expected) expect(content).toContain(e);
  });

  const failures: [string, string, () => Buffer, RegExp][] = [
    ['corrupt.pdf', 'application/pdf', () => Buffer.concat([makePdf(['x']).subarray(0, 50), Buffer.alloc(200, 7)]), /PDF/],
    ['lying.pdf', 'application/pdf', () => Buffer.from('I am not a PDF'), /not a valid PDF/],
    ['lying.docx', DOCX, () => Buffer.from('I am not a zip'), /not a valid Word/],
    ['truncated.pptx', PPTX, () => makePptx([['x']]).subarray(0, 120), /PowerPoint/],
    ['old.ppt', 'application/vnd.ms-powerpoint', () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /not supported/],
    ['garbage.doc', 'application/msword', () => Buffer.from('not a word file'), /not a valid Word 97/],
    ['empty-text.md', 'text/markdown', () => Buffer.from('  \n\n '), /no text/],
  ];
  it.each(failures)('marks %s failed with a reason', async (name, type, make, reason) => {
    const doc = await importFile(t, folder, name, type, make());
    expect(doc.status).toBe('sync_failed');
    expect(doc.failure_reason).toMatch(reason);
    expect((await t.api('GET', `/documents/${doc.id}/content`)).status).toBe(409);
  });

  it('signs URLs only for allowed file names and media types', async () => {
    const ok = await t.api('POST', '/uploads/signed-url', { file_name: 'a.pdf', content_type: 'application/pdf' });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.json.data).sort()).toEqual(['key', 'url']);
    expect(ok.json.data.url).toMatch(new RegExp(`^${parley.url}/uploads/`));
    const exe = await t.api('POST', '/uploads/signed-url', { file_name: 'virus.exe', content_type: 'application/octet-stream' });
    expect(exe.status).toBe(422);
    expect(Object.keys(exe.json.errors)).toEqual(['file_name']);
    const noExt = await t.api('POST', '/uploads/signed-url', { file_name: 'README', content_type: 'text/plain' });
    expect(noExt.status).toBe(422);
    const missing = await t.api('POST', '/uploads/signed-url', {});
    expect(Object.keys(missing.json.errors).sort()).toEqual(['content_type', 'file_name']);
    expect((await t.api('POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'not a type' })).status).toBe(422);
  });

  it('takes one PUT of the declared type per URL', async () => {
    const signed = (await t.api('POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'text/plain' })).json.data;
    const wrongType = await fetch(signed.url, { method: 'PUT', body: 'x', headers: { 'content-type': 'application/pdf' } });
    expect(wrongType.status).toBe(415);
    const first = await fetch(signed.url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ data: { key: signed.key, size: 5 } });
    const again = await fetch(signed.url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({ message: 'The upload URL has already been used.' });
    const forged = await fetch(signed.url.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')), {
      method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' },
    });
    expect(forged.status).toBe(403);
  });

  it('validates POST /documents/file: folder, key, a key used twice, a key never uploaded', async () => {
    const key = await upload(t, 'once.txt', 'text/plain', Buffer.from('once'));
    expect((await t.api('POST', '/documents/file', { folder_id: 'zzzzzzzzzzzz', key })).json.errors).toHaveProperty('folder_id');
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key: 'uploads/nope.txt' })).json.errors)
      .toEqual({ key: ['The selected key is invalid.'] });
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key })).status).toBe(200);
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key })).json.errors)
      .toEqual({ key: ['The file has already been imported.'] });
    const signed = (await t.api('POST', '/uploads/signed-url', { file_name: 'later.txt', content_type: 'text/plain' })).json.data;
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key: signed.key })).status).toBe(422);
    const other = await parley.tenant();
    const theirs = await upload(other, 'theirs.txt', 'text/plain', Buffer.from('theirs'));
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key: theirs })).status).toBe(422);
  });
});

describe('file import limits', () => {
  let parley: RunningParley;
  let t: Tenant;
  beforeAll(async () => {
    parley = await startParley({ UPLOAD_MAX_BYTES: '1024', UPLOAD_URL_TTL: '1s', IMPORT_MAX_PENDING: '2' });
    t = await parley.tenant();
  });
  afterAll(() => parley.stop());

  it('refuses files over the size limit, declared or streamed', async () => {
    const signed = (await t.api('POST', '/uploads/signed-url', { file_name: 'big.txt', content_type: 'text/plain' })).json.data;
    const declared = await fetch(signed.url, { method: 'PUT', body: 'x'.repeat(1025), headers: { 'content-type': 'text/plain' } });
    expect(declared.status).toBe(413);
    const signed2 = (await t.api('POST', '/uploads/signed-url', { file_name: 'big.txt', content_type: 'text/plain' })).json.data;
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('y'.repeat(200)));
        c.close();
      },
    });
    const streamed = await fetch(signed2.url, { method: 'PUT', body, headers: { 'content-type': 'text/plain' }, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('refuses an expired URL', async () => {
    const signed = (await t.api('POST', '/uploads/signed-url', { file_name: 'late.txt', content_type: 'text/plain' })).json.data;
    await new Promise((r) => setTimeout(r, 1100));
    const put = await fetch(signed.url, { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(put.status).toBe(403);
    expect(await put.json()).toEqual({ message: 'The upload URL has expired.' });
  });

  it('answers 429 past the limit of pending imports', async () => {
    const folder = await makeFolder(t);
    await parley.app.imports.stop(); // nothing runs: every import stays pending
    const keys = await Promise.all([1, 2, 3].map((i) => upload(t, `f${i}.txt`, 'text/plain', Buffer.from(`file ${i}`))));
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key: keys[0] })).status).toBe(200);
    expect((await t.api('POST', '/documents/file', { folder_id: folder, key: keys[1] })).status).toBe(200);
    const third = await t.api('POST', '/documents/file', { folder_id: folder, key: keys[2] });
    expect(third.status).toBe(429);
    expect(third.json).toEqual({ message: TOO_MANY_IMPORTS_MESSAGE });
    expect(TOO_MANY_IMPORTS_MESSAGE).toBe('You have reached the limit of files that can be processed simultaneously. Please try again in few minutes.');
    // Other accounts have their own limit; pasted text has none.
    const other = await parley.tenant();
    const key = await upload(other, 'o.txt', 'text/plain', Buffer.from('o'));
    expect((await other.api('POST', '/documents/file', { folder_id: await makeFolder(other), key })).status).toBe(200);
    expect((await t.api('POST', '/documents', { folder_id: folder, name: 'n', content: 'c' })).status).toBe(200);
  });
});
