import { lookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// SSRF: an admin's endpoint URL makes this server send requests, so by default it may not point
// into the server's own network: loopback, private, link-local (cloud metadata at
// 169.254.169.254), carrier-grade NAT and unique-local addresses are refused, both when the URL
// is registered (an address literal) and when each delivery connects (the address DNS gave, so
// a name that later resolves inward is caught too). WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true lifts
// this for tests and closed networks.

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is that IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why `text` cannot be an endpoint URL, or null when it can. */
export function webhookUrlProblem(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an absolute http or https URL, got ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `expected an http or https URL, got ${url.protocol.slice(0, -1)}`;
  if (url.username !== '' || url.password !== '')
    return 'expected no credentials in the URL: the secret signs each delivery';
  if (text.length > 2000) return `expected at most 2000 characters, got ${text.length}`;
  // `[::1]` is ::1, and `localhost.` (fully qualified) is localhost.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (
    !allowPrivate &&
    (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host))
  )
    return `expected a public address, got ${url.hostname} (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow it)`;
  return null;
}

/** A DNS lookup for deliveries that fails on a private address: checked where the socket goes. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const refused = addresses.find((address) => isPrivateAddress(address.address));
    const first = addresses[0];
    if (refused || !first) {
      const reason = refused ? `a private address (${refused.address})` : 'no address';
      callback(new Error(`refused: ${hostname} resolves to ${reason}`), '', 0);
      return;
    }
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
};
