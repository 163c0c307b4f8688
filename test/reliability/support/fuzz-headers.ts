import fc from 'fast-check';
import type { HeaderLine } from './raw-socket.js';

/**
 * Request headers a client or a proxy may send that are no good: what URLs Parley hands out are
 * built from Host and X-Forwarded-*, and a Host of 'a b' once made every multi-page list a 500.
 * A variation's values stay under BUDGET in all, so that a request's head (with the fuzzer's long
 * paths and X-Request-IDs) stays under node's 16 KB bound: past it node answers 431 itself, before
 * Parley sees the request.
 */
const BUDGET = 6000;

/** Characters a header value may carry, obs-text (latin1) included; CR, LF and NUL are node's to refuse. */
const junk = fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./09:;<=>?@AZaz[\\]^_`{|}~\t\xe9\xff'), maxLength: 40 });

const HOSTS = [
  'a b', '[zz', 'a:99999', 'a:65536', 'a:-1', 'a:', ':80', 'a:80:80', '127.0.0.1:0', ' ', '[::1]', '[::1]:8080', '[::1', '::1',
  '[fe80::1%25eth0]', '[fe80::1%eth0]:1', '%', '%zz', 'a%20b', 'a%', '%00', 'x'.repeat(3000), '\xe9.example', '\xff\xfe',
  'a/b', 'a?b#c', 'user:pw@host', 'http://x', '0x7f.1', '..', 'a,b', 'a\tb', '"q"', '<x>', '\\', '{}',
];
const PROTOS = ['', 'ftp', 'javascript', 'https, http', 'h t t p', '://', 'http:', 'HTTPS', ',', ', ,', '%', 'x'.repeat(2000), '\xe9'];
const EVENT_IDS = ['end', 'END', 'end ', '0', '-0', '-1', '1.5', '0x10', '1e3', ' 1', '1'.repeat(16), '999999999999999', '9'.repeat(400), '\xff'];
const ENCODINGS = ['gzip', 'br;q=1', 'deflate, gzip;q=0', 'identity;q=0', '*;q=0', ';;,,', 'x'.repeat(2000), 'gzip;q=abc'];
const TYPES = [
  'application/json; charset=utf-16', 'application/json;charset="utf-8"', 'APPLICATION/JSON', 'application/json, text/plain',
  'application/jsonx', 'application/json; boundary', 'multipart/form-data', 'multipart/form-data; boundary=',
  'application/x-www-form-urlencoded; charset=iso-8859-1', '*/*', '/', 'text/', ' application/json', 'application/json ;',
  'application/vnd.api+json', 'application/problem+json', 'application/json;;;', 'application/json; charset', '\xff/\xff',
];
const REQUEST_HEADERS = ['a,,b', ',', 'x, ', 'content-type\xe9', 'a b', ' authorization ', 'a'.repeat(2500), 'a,'.repeat(1200) + ' ',
  'authorization, content-type, last-event-id, x-'.repeat(40), '(', 'a:b'];

/** A single value, or the header twice (the two lines a proxy chain or a confused client sends). */
const oneOrTwo = (values: fc.Arbitrary<string>) => fc.oneof(
  { weight: 5, arbitrary: values.map((v) => [v]) },
  { weight: 1, arbitrary: fc.tuple(values, values) },
);
const valueOf = (known: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: junk });

export interface HeaderVariation {
  /** The Host lines to send in place of the real one: none at all is HTTP/1.0 (HTTP/1.1 requires one). */
  host?: string[];
  /** Headers added or put in place of the case's own (content-type replaces the body's). */
  lines: HeaderLine[];
  /** A CORS preflight: sent as OPTIONS whatever the route. */
  preflight: boolean;
}

const kinds = {
  host: fc.oneof({ weight: 6, arbitrary: oneOrTwo(valueOf(HOSTS)) }, { weight: 1, arbitrary: fc.constant<string[]>([]) }),
  'x-forwarded-host': oneOrTwo(valueOf([...HOSTS, '', ',', 'a, ', ', a'])),
  'x-forwarded-proto': oneOrTwo(valueOf(PROTOS)),
  'x-forwarded-for': oneOrTwo(valueOf(['a b', '::1, 999.1.1.1', ',,,', 'unknown', '[::1]:80', '1.2.3.4:x', ''])),
  'last-event-id': oneOrTwo(valueOf(EVENT_IDS)),
  'accept-encoding': oneOrTwo(valueOf(ENCODINGS)),
  'content-type': oneOrTwo(valueOf(TYPES)),
  'access-control-request-headers': oneOrTwo(valueOf(REQUEST_HEADERS)),
};
type Kinds = { [K in keyof typeof kinds]?: string[] };
/** Host and X-Forwarded-* most: what URLs are built from. */
const weights: Record<keyof typeof kinds, number> = {
  host: 4, 'x-forwarded-host': 2, 'x-forwarded-proto': 2, 'x-forwarded-for': 1,
  'last-event-id': 1, 'accept-encoding': 1, 'content-type': 1, 'access-control-request-headers': 1,
};
const kind = fc.oneof(...Object.entries(weights).map(([name, weight]) => ({ weight, arbitrary: fc.constant(name as keyof typeof kinds) })));
/** One to three kinds a case: one alone says which header an answer is owed to, several meet in one request. */
const varied: fc.Arbitrary<Kinds> = fc.uniqueArray(kind, { minLength: 1, maxLength: 3 })
  .chain((names) => fc.record(Object.fromEntries(names.map((n) => [n, kinds[n]]))) as fc.Arbitrary<Kinds>);

/** A few of the headers above; Access-Control-Request-Headers makes the case a preflight. */
export const headerVariation: fc.Arbitrary<HeaderVariation> = varied.map(({ host: hosts, ...rest }) => {
  let lines: HeaderLine[] = Object.entries(rest).flatMap(([name, values]) => values!.map((v): HeaderLine => [name, v]));
  let host = hosts;
  const size = [...(host ?? []), ...lines.map(([, v]) => v)].reduce((n, v) => n + v.length, 0);
  if (size > BUDGET) {
    host = host?.map((v) => v.slice(0, 1000));
    lines = lines.map(([name, v]) => [name, v.slice(0, 250)]);
  }
  const preflight = rest['access-control-request-headers'] !== undefined;
  if (preflight) lines.push(['origin', 'https://app.example'], ['access-control-request-method', 'POST']);
  return { host, lines, preflight };
});

/** The header names a variation sets, for the figures: `host`, `x-forwarded-host`, … (`host:none` for none). */
export const variedNames = (v: HeaderVariation): string[] => [
  ...(v.host === undefined ? [] : [v.host.length ? 'host' : 'host:none']),
  ...new Set(v.lines.map(([name]) => name).filter((n) => n !== 'origin' && n !== 'access-control-request-method')),
];

/** The variation as a failure names it: `{host: "a b", x-forwarded-proto: "ftp"}`, long values cut. */
export const describeVariation = (v: HeaderVariation): string => {
  const lines = [...(v.host ?? []).map((h): HeaderLine => ['host', h]), ...v.lines];
  return `{${lines.map(([name, value]) => `${name}: ${JSON.stringify(value.slice(0, 60))}`).join(', ')}${v.host?.length === 0 ? ', no host (HTTP/1.0)' : ''}}`;
};
