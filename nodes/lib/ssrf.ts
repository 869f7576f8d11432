import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { NodeError } from '../contract.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) blocked.addSubnet(net, prefix, 'ipv6');

function isPrivate(address: string): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : null;
  if (mapped && isIP(mapped) === 4) return blocked.check(mapped, 'ipv4');
  return blocked.check(address, family);
}

/**
 * Refuses URLs whose host resolves to loopback, private, link-local or metadata addresses, unless the
 * operator allowed private networks. Checked after DNS resolution, and again by the caller on redirects.
 */
export async function assertPublicUrl(url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NodeError(`Only http and https URLs can be called, not ${url.protocol}`, 'invalid_url');
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (!addresses.length) throw new NodeError(`The host ${host} could not be resolved.`, 'dns_failed');
  if (addresses.some(isPrivate)) {
    throw new NodeError(`${host} resolves to a private or loopback address; set ALLOW_PRIVATE_NETWORK=true to allow it.`, 'private_network');
  }
}
