import ipaddr from 'ipaddr.js';

const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that embed one:
 * IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d` (deprecated, but some stacks still
 * route it), IPv4-translated `::ffff:0:a.b.c.d` (SIIT), NAT64 `64:ff9b::a.b.c.d` (RFC 6052) and
 * its local-use `64:ff9b:1::/48` (RFC 8215, taken at its /96 form), 6to4 `2002:aabb:ccdd::` and
 * Teredo `2001:0::` (the client's address, stored inverted). Such an address reaches, or can be
 * made to reach, that IPv4 host: it is judged as that host, so `[::127.0.0.1]` is loopback.
 * `::` and `::1` are IPv6's own unspecified and loopback addresses, not embeddings.
 */
export function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = addr.parts;
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return v4(p[6], p[7]);
  if (zeros(0, 6) && (p[6] !== 0 || p[7] > 1)) return v4(p[6], p[7]);
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return v4(p[6], p[7]);
  if (p[0] === 0x64 && p[1] === 0xff9b && (zeros(2, 6) || p[2] === 1)) return v4(p[6], p[7]);
  if (p[0] === 0x2002) return v4(p[1], p[2]);
  if (p[0] === 0x2001 && p[1] === 0) return v4(p[6] ^ 0xffff, p[7] ^ 0xffff);
  return undefined;
}
