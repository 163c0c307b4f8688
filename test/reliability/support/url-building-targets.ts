import fc from 'fast-check';

/** A request the fuzzer sends in place of the case's own route, path and body. */
export interface Target {
  method: string;
  path: string;
  body?: { type: string; bytes: Buffer };
}

/** The fuzzed tenant's ids the targets name (it has two of each kind that lists, bots aside). */
export interface OwnIds {
  conversation: string;
  folder: string;
  document: string;
  message: string;
  token: string;
}

const json = (o: unknown) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(o)) });

/**
 * Well-formed requests whose answers hold URLs built from the request's Host or X-Forwarded-*:
 * pagination links (a page of one from lists of two or more), stream_url and the 302 Location of
 * POST /messages/stream, the signed upload URL, a document's content_url, sources' document_url,
 * and the stream itself. Random paths and bodies seldom get this far: they are refused first.
 */
export function urlBuildingTarget(own: OwnIds): fc.Arbitrary<Target> {
  const page = fc.constantFrom('1', '2', '3', '0', '', '99', '-1');
  const list = fc.tuple(fc.constantFrom('folders', 'documents', 'conversations', 'messages', 'bots'), page, fc.boolean())
    .map(([what, p, extra]): Target => ({
      method: 'GET',
      path: `/api/v1/${what}?per_page=1&page=${p}${extra && what === 'messages' ? `&includes=sources,usage&conversation_id=${own.conversation}` : ''}`,
    }));
  const stream = fc.constantFrom(true, false, 'false', 0, undefined).map((redirect): Target => ({
    method: 'POST', path: '/api/v1/messages/stream', body: json({ conversation_id: own.conversation, content: 'hi', redirect }),
  }));
  return fc.oneof(
    { weight: 6, arbitrary: list },
    { weight: 2, arbitrary: stream },
    { weight: 1, arbitrary: fc.constant({ method: 'POST', path: '/api/v1/uploads/signed-url', body: json({ file_name: 'a.txt', content_type: 'text/plain' }) }) },
    { weight: 1, arbitrary: fc.constant({ method: 'POST', path: '/api/v1/documents', body: json({ name: 'd', folder_id: own.folder, content: 'some text' }) }) },
    { weight: 1, arbitrary: fc.constant({ method: 'GET', path: `/api/v1/documents/${own.document}` }) },
    { weight: 1, arbitrary: fc.constant({ method: 'GET', path: `/api/v1/messages/${own.message}?includes=sources` }) },
    { weight: 2, arbitrary: fc.constant({ method: 'GET', path: `/stream/${own.token}` }) },
  );
}
