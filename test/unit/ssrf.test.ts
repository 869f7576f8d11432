import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { fetch } from 'undici';
import { guardedAgent, refusalReason, resolveChecked, type ResolvedAddress } from '../../nodes/lib/ssrf.js';

const noOwnAddresses = {};

describe('outbound address policy', () => {
  const refused: [address: string, reason: string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private network'],
    ['172.16.0.1', 'private network'],
    ['172.31.255.254', 'private network'],
    ['192.168.1.10', 'private network'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['169.254.10.10', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['192.88.99.1', '6to4 relay'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::8.8.8.8', 'IPv4-compatible'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private network'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:0:7f00:1', 'IPv4-translated'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['64:ff9b::808:808', 'NAT64'],
    ['64:ff9b:1::1', 'NAT64'],
    ['2001::1', 'Teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:808:808::1', '6to4'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard'],
    ['1::1', 'not a global unicast'],
    ['2001:2::1', 'benchmarking'],
    ['not-an-address', 'not a valid IP address'],
    ['', 'not a valid IP address'],
  ];
  for (const [address, reason] of refused) {
    it(`refuses ${address || '(empty)'}: ${reason}`, () => {
      expect(refusalReason(address, noOwnAddresses)).to.be.a('string').that.includes(reason);
    });
  }

  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.215.14', '151.101.1.69', '::ffff:8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '2600::1'];
  for (const address of allowed) {
    it(`allows ${address}`, () => expect(refusalReason(address, noOwnAddresses)).to.equal(null));
  }

  it("refuses the machine's own addresses, also inside an IPv4-mapped address", () => {
    const iface = (address: string, family: 'IPv4' | 'IPv6') => ({ address, family, netmask: '', mac: '', internal: false, cidr: null }) as NetworkInterfaceInfo;
    const own = { eth0: [iface('8.8.4.4', 'IPv4')], eth1: [iface('2a01:4f8::5', 'IPv6')] };
    expect(refusalReason('8.8.4.4', own)).to.include("one of this machine's own addresses (interface eth0)");
    expect(refusalReason('::ffff:8.8.4.4', own)).to.include('interface eth0');
    expect(refusalReason('2a01:4f8:0::5', own)).to.include('interface eth1');
    expect(refusalReason('8.8.8.8', own)).to.equal(null);
  });

  it('names the refused address, the reason and ALLOW_PRIVATE_NETWORK when a name resolves to a refused address', async () => {
    const resolve = async (): Promise<ResolvedAddress[]> => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    const err = await resolveChecked('mixed.example', { resolve }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).to.include({ name: 'NodeError', code: 'private_network' });
    expect(err!.message).to.include('mixed.example (resolved to 10.0.0.5)').and.include('private network').and.include('ALLOW_PRIVATE_NETWORK=true');
  });

  it('reports a name that does not resolve as a NodeError', async () => {
    const resolve = async (): Promise<ResolvedAddress[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    };
    const err = await resolveChecked('nowhere.invalid', { resolve }).catch((e: Error) => e);
    expect(err).to.include({ name: 'NodeError', code: 'dns_failed' });
  });

  describe('the guarded agent', () => {
    let server: Server;
    let port: number;
    let hits = 0;
    before(async () => {
      server = createServer((_req, res) => {
        hits++;
        res.end('reached');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    // The test policy lets 127.0.0.1 through so a local server can stand in for a public one.
    const refuse = (address: string) => (address === '127.0.0.1' ? null : refusalReason(address, noOwnAddresses));

    it('connects to the address it checked, resolving the name once (no DNS rebinding)', async () => {
      const answers = [[{ address: '127.0.0.1', family: 4 }], [{ address: '10.0.0.1', family: 4 }]];
      let calls = 0;
      const agent = guardedAgent({ refuse, resolve: async () => answers[Math.min(calls++, 1)]! });
      try {
        const res = await fetch(`http://rebind.test:${port}/`, { dispatcher: agent });
        expect(await res.text()).to.equal('reached');
        expect(calls).to.equal(1, 'a second resolution could have answered with the private address');
      } finally {
        await agent.close();
      }
    });

    it('refuses a name that resolves to a refused address before connecting', async () => {
      const agent = guardedAgent({ refuse, resolve: async () => [{ address: '127.0.0.2', family: 4 }] });
      const before = hits;
      try {
        const err = await fetch(`http://sneaky.test:${port}/`, { dispatcher: agent }).catch((e: Error) => e);
        expect((err as Error).cause).to.include({ name: 'NodeError', code: 'private_network' });
        expect(((err as Error).cause as Error).message).to.include('sneaky.test (resolved to 127.0.0.2)');
        expect(hits).to.equal(before);
      } finally {
        await agent.close();
      }
    });

    it('refuses IP literals that the lookup never sees', async () => {
      const agent = guardedAgent({ refuse });
      const before = hits;
      try {
        for (const url of [`http://[::1]:${port}/`, `http://[::ffff:127.0.0.2]:${port}/`, `http://127.0.0.2:${port}/`, `http://0.0.0.0:${port}/`]) {
          const err = await fetch(url, { dispatcher: agent }).catch((e: Error) => e);
          expect((err as Error).cause, url).to.include({ name: 'NodeError', code: 'private_network' });
        }
        expect(hits).to.equal(before);
      } finally {
        await agent.close();
      }
    });
  });

  describe('the guarded agent over TLS', () => {
    let server: TlsServer;
    let port: number;
    let ca: string;
    const seen: { host?: string; servername?: string | false | null }[] = [];
    const refuse = (address: string) => (address === '127.0.0.1' ? null : refusalReason(address, noOwnAddresses));

    before(async () => {
      // A throw-away self-signed certificate for the name secure.test (no key is kept in the repository).
      const dir = mkdtempSync(join(tmpdir(), 'ssrf-tls-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=secure.test',
          '-addext', 'subjectAltName=DNS:secure.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        // Never skipped: without the certificate this test proves nothing, so it fails and says why.
        throw new Error(`openssl could not make the test certificate (is it installed?): ${(err as Error).message}`);
      }
      ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const key = readFileSync(join(dir, 'key.pem'), 'utf8');
      rmSync(dir, { recursive: true, force: true });
      server = createTlsServer({ key, cert: ca }, (req, res) => {
        seen.push({ host: req.headers.host, servername: (req.socket as TLSSocket).servername });
        res.end('secure');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server?.closeAllConnections();
      server?.close();
    });

    it('connects to the checked address but keeps the host name for SNI, the certificate check and the Host header', async () => {
      const agent = guardedAgent({ refuse, resolve: async () => [{ address: '127.0.0.1', family: 4 }], tls: { ca } });
      try {
        const res = await fetch(`https://secure.test:${port}/`, { dispatcher: agent });
        expect(await res.text()).to.equal('secure');
        expect(seen.at(-1)).to.deep.equal({ host: `secure.test:${port}`, servername: 'secure.test' });
        // The certificate names secure.test, not the address: verifying against the address would fail.
        const byAddress = await fetch(`https://127.0.0.1:${port}/`, { dispatcher: agent }).catch((e: Error) => e);
        expect(String(((byAddress as Error).cause as Error)?.message)).to.match(/altnames|certificate/i);
      } finally {
        await agent.close();
      }
    });
  });
});
