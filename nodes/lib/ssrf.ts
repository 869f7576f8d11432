import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { NodeError } from '../contract.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Ranges an outbound call may not reach, most specific first: the first match names the reason.
 * Anything else that ipaddr.js does not call plain `unicast`, and IPv6 outside 2000::/3, is refused too.
 */
const REFUSED: [reason: string, cidrs: string[]][] = [
  ['a cloud metadata service', ['169.254.169.254/32', '169.254.170.2/32', '168.63.129.16/32', '100.100.100.200/32', '192.0.0.192/32', 'fd00:ec2::254/128']],
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['private network', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['carrier-grade NAT', ['100.64.0.0/10']],
  ['IETF protocol assignments', ['192.0.0.0/24']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20']],
  ['6to4 relay', ['192.88.99.0/24']],
  ['benchmarking', ['198.18.0.0/15', '2001:2::/48']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['broadcast', ['255.255.255.255/32']],
  ['reserved', ['240.0.0.0/4']],
  ['IPv4-compatible IPv6 (deprecated)', ['::/96']],
  ['IPv4-translated IPv6', ['::ffff:0:0:0/96']],
  ['NAT64', ['64:ff9b::/96', '64:ff9b:1::/48']],
  ['discard-only', ['100::/64']],
  ['Teredo', ['2001::/32']],
  ['6to4', ['2002::/16']],
  ['unique local (private) IPv6', ['fc00::/7']],
  ['site-local IPv6 (deprecated)', ['fec0::/10']],
];

const refusedRanges = REFUSED.map(([reason, cidrs]) => [reason, cidrs.map((c) => [ipaddr.parseCIDR(c), c] as const)] as const);
const globalUnicast = ipaddr.parseCIDR('2000::/3');

function parse(address: string): Address | null {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(plain);
  if (!family) return null;
  try {
    // The URL parser's IPv6 form is all hex: ipaddr.js reads the dotted "::a.b.c.d" as ::ffff:a.b.c.d.
    return ipaddr.parse(family === 6 ? new URL(`http://[${plain}]/`).hostname.slice(1, -1) : plain);
  } catch {
    return null;
  }
}

export type Interfaces = ReturnType<typeof networkInterfaces>;

/** The interface holding this address, so "call myself on my public IP" is refused too. */
function ownInterface(ip: Address, interfaces: Interfaces): string | undefined {
  const wanted = ip.toNormalizedString();
  for (const [name, entries] of Object.entries(interfaces)) {
    for (const entry of entries ?? []) {
      let own = parse(entry.address);
      if (own?.kind() === 'ipv6' && (own as ipaddr.IPv6).isIPv4MappedAddress()) own = (own as ipaddr.IPv6).toIPv4Address();
      if (own?.toNormalizedString() === wanted) return name;
    }
  }
  return undefined;
}

function rangeReason(ip: Address): string | null {
  for (const [reason, cidrs] of refusedRanges) {
    for (const [range, text] of cidrs) {
      if (ip.kind() === range[0].kind() && ip.match(range)) return `${reason} (${text})`;
    }
  }
  const named = ip.range();
  if (named !== 'unicast') return `special-purpose range "${named}"`;
  if (ip.kind() === 'ipv6' && !ip.match(globalUnicast)) return 'not a global unicast address (outside 2000::/3)';
  return null;
}

/**
 * Why an outbound call may not connect to this address, or null when it may. IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) are judged by the IPv4 address inside them.
 */
export function refusalReason(address: string, interfaces: Interfaces = networkInterfaces()): string | null {
  let ip = parse(address);
  if (!ip) return 'not a valid IP address';
  let suffix = '';
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
    suffix = ` (inside the IPv4-mapped address ${address})`;
  }
  const reason = rangeReason(ip);
  if (reason) return reason + suffix;
  const iface = ownInterface(ip, interfaces);
  return iface === undefined ? null : `one of this machine's own addresses (interface ${iface})${suffix}`;
}

export function privateNetworkError(host: string, address: string, reason: string): NodeError {
  const which = host === address ? address : `${host} (resolved to ${address})`;
  return new NodeError(
    `Refused to call ${which}: the address is ${reason}. Outbound calls may not reach loopback, private, link-local, ` +
      `reserved or metadata addresses, nor this machine; an administrator can allow them with ALLOW_PRIVATE_NETWORK=true.`,
    'private_network',
  );
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

export interface GuardOptions {
  /** Name resolution (default: the system resolver, as every other connection uses). */
  resolve?: Resolver;
  /** The address policy (default: `refusalReason`). */
  refuse?: (address: string) => string | null;
  /** Extra socket and TLS options (e.g. `ca` for a private certificate authority). */
  tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
}

/**
 * Resolves a name once and checks every address; returns only checked addresses, which are the ones
 * the socket then connects to (no second resolution that a rebinding DNS server could answer differently).
 */
export async function resolveChecked(hostname: string, { resolve = systemResolver, refuse = refusalReason }: GuardOptions = {}): Promise<ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw new NodeError(`The host ${hostname} could not be resolved.`, 'dns_failed');
    throw err;
  }
  if (!addresses.length) throw new NodeError(`The host ${hostname} could not be resolved.`, 'dns_failed');
  for (const { address } of addresses) {
    const reason = refuse(address);
    if (reason) throw privateNetworkError(hostname, address, reason);
  }
  return addresses;
}

/**
 * An undici Agent whose every connection is checked: IP literals before connecting, names through a
 * lookup that resolves once and hands the socket the addresses it checked, and the connected peer again
 * (belt and braces). TLS keeps the URL's host name for SNI and certificate checks, and the Host header
 * is the URL's, so virtual hosting works as usual.
 */
export function guardedAgent(options: GuardOptions = {}): Agent {
  const refuse = options.refuse ?? refusalReason;
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolveChecked(hostname, { resolve: options.resolve, refuse }).then(
      (addresses) => {
        const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
        const wanted = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (!wanted.length) return callback(new NodeError(`The host ${hostname} has no IPv${family} address.`, 'dns_failed'), '', 0);
        if (lookupOptions.all) return callback(null, wanted);
        callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
  const connector = buildConnector({ ...options.tls, lookup });
  return new Agent({
    connect(connectOptions, callback) {
      const literal = isIP(connectOptions.hostname) ? refuse(connectOptions.hostname) : null;
      if (literal) return callback(privateNetworkError(connectOptions.hostname, connectOptions.hostname, literal), null);
      return connector(connectOptions, (err, socket) => {
        if (err) return callback(err, null);
        const peer = socket.remoteAddress;
        const reason = peer ? refuse(peer) : null;
        if (!reason) return callback(null, socket);
        socket.destroy();
        callback(privateNetworkError(connectOptions.hostname, peer!, reason), null);
      });
    },
  });
}

let guarded: Agent | undefined;
let open: Agent | undefined;

/** The dispatcher every outbound node call goes through: guarded unless ALLOW_PRIVATE_NETWORK=true. */
export function outboundDispatcher(allowPrivateNetwork: boolean): Dispatcher {
  if (allowPrivateNetwork) return (open ??= new Agent());
  return (guarded ??= guardedAgent());
}
