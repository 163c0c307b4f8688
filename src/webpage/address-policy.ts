import ipaddr from 'ipaddr.js';
import type { AllowList } from '../config/knowledge-config.js';
import { embeddedIPv4 } from './embedded-ipv4.js';

/**
 * Whether the webpage importer may connect to `ip` (reached through `host`): only public unicast
 * addresses, unless the allow list names the host or a range holding the address. Loopback,
 * private, link-local (cloud metadata at 169.254.169.254), unique-local, carrier-grade NAT,
 * unspecified, multicast and reserved ranges are refused; an IPv6 address embedding an IPv4 one
 * (mapped, compatible, NAT64, 6to4, Teredo: see embedded-ipv4.ts) is judged as that IPv4 address.
 */
export function mayConnect(ip: string, host: string, allow: AllowList): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  // An IPv6 form that embeds an IPv4 address is judged as that address, allow list included.
  if (addr.kind() === 'ipv6') addr = embeddedIPv4(addr as ipaddr.IPv6) ?? addr;
  if (allowed(addr, host, allow)) return true;
  return addr.range() === 'unicast';
}

function allowed(addr: ipaddr.IPv4 | ipaddr.IPv6, host: string, allow: AllowList): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (allow.hosts.includes(name)) return true;
  return allow.cidrs.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
}
