/**
 * The stream URL's protocol in words (OpenAPI has no form for Server-Sent Events): the description
 * of `POST /api/v1/messages/stream` and of `GET /stream/{token}`. The facts are README's "Streaming".
 */
export const STREAM_PROTOCOL = `Stores the message, starts the reply in the background and answers at once with a **stream URL**
(\`<STREAM_PUBLIC_URL or PUBLIC_URL or the address called>/stream/<token>\`): a 302 to it, or
\`{"data": {"stream_url", "message_id", "reply_id"}}\` with \`redirect: false\`. The URL needs no API
key (it is a capability, valid for STREAM_URL_TTL); see \`GET /stream/{token}\` for what it answers.`;

export const STREAM_URL_PROTOCOL = `Answers \`text/event-stream\`, the seed's protocol:

\`\`\`
retry: 1000
data: [START]

id: 5
data: {"chunk":"Hello"}

id: 12
data: {"chunk":", world"}

event: usage
data: {"tokens":13,"credits":1,"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"estimated":false}

id: end
data: [END]
\`\`\`

and then closes. Each data frame is \`{"chunk": "<next piece of the reply>"}\`; \`[END]\` is the last.

- **Resume**: each chunk's \`id\` is the length of the reply so far (UTF-16 code units). Reconnecting
  with \`Last-Event-ID: <id>\` (EventSource does it by itself) continues right after that point.
- **Done means done**: \`[END]\` has the id \`end\`; a reconnect presenting it gets **204 No Content**,
  which tells EventSource to stop retrying.
- **Named events**, which \`onmessage\` ignores, just before \`[END]\`: \`event: sources\` (\`{"data": [...]}\`,
  as \`includes=sources\`), \`event: usage\` (as \`includes=usage\`), and when generation fails
  \`event: failure\` with \`{"message"}\`, after a last chunk \`{"chunk": "<reason>", "failed": true}\`.
- Closing the connection does not stop the reply; the same URL replays it until it expires.
- \`: keep-alive\` comments every STREAM_KEEPALIVE (15 s) while the model is quiet.
- A malformed or tampered token, or one whose message was deleted: 404; an expired one: 410.
  \`POST\` answers as \`GET\` (\`curl -L -X POST\` keeps the method across the 302); \`HEAD\` gives the headers alone.`;
