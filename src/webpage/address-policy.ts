import ipaddr from 'ipaddr.js';
import type { AllowList } from '../config/knowledge-config.js';

/**
 * Whether the webpage importer may connect to `ip` (reached through `host`): only public unicast
 * addresses, unless the allow list names the host or a range holding the address. Loopback,
 * private, link-local (cloud metadata at 169.254.169.254), unique-local, carrier-grade NAT,
 * unspecified, multicast, reserved and IPv6 transition ranges are refused.
 */
export function mayConnect(ip: string, host: string, allow: AllowList): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (allowed(addr, host, allow)) return true;
  return addr.range() === 'unicast';
}

function allowed(addr: ipaddr.IPv4 | ipaddr.IPv6, host: string, allow: AllowList): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (allow.hosts.includes(name)) return true;
  return allow.cidrs.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
}
