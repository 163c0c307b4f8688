import { describe, expect, it } from 'vitest';
import { allowListParser } from '../config/knowledge-config.js';
import { mayConnect } from './address-policy.js';

const none = allowListParser('');

describe('mayConnect', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '0.0.0.0',
    '100.100.100.200', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1',
    '::ffff:127.0.0.1', '::ffff:10.1.2.3', 'not an ip',
    // IPv6 forms that embed a loopback, private or metadata IPv4 address.
    '::127.0.0.1', '::7f00:1', '::10.0.0.1', '::169.254.169.254', '::0.0.0.2', '::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe',
    '64:ff9b::127.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::7f00:1',
    '2002:7f00:1::', '2002:a00:1::1', '2002:a9fe:a9fe::1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo, client 127.0.0.1 (stored inverted)
  ])('refuses %s', (ip) => {
    expect(mayConnect(ip, 'example.com', none)).toBe(false);
  });

  it.each([
    '93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8',
    // The same embeddings of a public IPv4 address are that public address.
    '::8.8.8.8', '64:ff9b::8.8.8.8', '::ffff:0:8.8.8.8', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('allows public %s', (ip) => {
    expect(mayConnect(ip, 'example.com', none)).toBe(true);
  });

  it('allows what the allow list names, by host or by range', () => {
    const allow = allowListParser('intranet.local, 10.1.0.0/16, 127.0.0.1');
    expect(mayConnect('10.9.9.9', 'intranet.local', allow)).toBe(true);
    expect(mayConnect('10.1.2.3', 'other', allow)).toBe(true);
    expect(mayConnect('127.0.0.1', 'localhost', allow)).toBe(true);
    expect(mayConnect('10.2.0.1', 'other', allow)).toBe(false);
    expect(mayConnect('127.0.0.2', 'other', allow)).toBe(false);
    // An allowed IPv4 range covers its IPv6 embeddings too.
    expect(mayConnect('::ffff:10.1.2.3', 'other', allow)).toBe(true);
    expect(mayConnect('64:ff9b::10.1.2.3', 'other', allow)).toBe(true);
    expect(mayConnect('::127.0.0.1', 'other', allow)).toBe(true);
    expect(mayConnect('::127.0.0.2', 'other', allow)).toBe(false);
  });

  it('rejects allow lists it cannot read', () => {
    expect(() => allowListParser('10.0.0.0/99')).toThrow(/CIDR/);
    expect(() => allowListParser('http://x')).toThrow(/CIDR/);
  });
});
