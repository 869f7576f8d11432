import { expect } from 'chai';
import { normalizeEmail } from '../../server/auth/email.js';
import { addressKey } from '../../server/auth/login-limiter.js';

describe('email normalisation (one key for every spelling of an address)', () => {
  it('folds padding, invisible characters, compatibility forms and case to one address', () => {
    const spellings = [
      'victim@example.com',
      ' victim@example.com',
      'victim@example.com\u00a0',
      '\t\nVICTIM@Example.COM \r\n',
      '\u3000victim@example.com\u2003',
      '\u200bvictim@example.com\ufeff',
      '\u2060victim@example.com\u200d',
      'ｖｉｃｔｉｍ＠ｅｘａｍｐｌｅ．ｃｏｍ',
      'Ｖictim@example.com\u205f',
    ];
    for (const spelling of spellings) expect(normalizeEmail(spelling), JSON.stringify(spelling)).to.equal('victim@example.com');
  });

  it('keeps addresses that differ inside apart', () => {
    expect(normalizeEmail('vic tim@example.com')).to.equal('vic tim@example.com');
    expect(normalizeEmail('victim+1@example.com')).to.not.equal(normalizeEmail('victim@example.com'));
  });

  it('is idempotent for every BMP code point and the letter-like supplementary ones, alone and around an address', () => {
    const range = (from: number, length: number) => Array.from({ length }, (_, i) => from + i);
    const points = [...range(0, 0x10000), ...range(0x1d400, 0x800), ...range(0x1f100, 0x200)];
    for (const cp of points) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      for (const input of [c, `${c}a@b.c`, `a@b.c${c}`, `a${c}@b.c`]) {
        const once = normalizeEmail(input);
        if (normalizeEmail(once) !== once) expect.fail(`not idempotent for U+${cp.toString(16)} in ${JSON.stringify(input)}`);
      }
    }
  });
});

describe('login limiter client keys', () => {
  it('counts an IPv4 address as itself, also when IPv6-mapped', () => {
    expect(addressKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one client', () => {
    const key = addressKey('2001:db8:1:2::1');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).to.equal(key);
    expect(addressKey('2001:0DB8:0001:0002:0:0:0:9')).to.equal(key);
    expect(addressKey('2001:db8:1:3::1')).to.not.equal(key);
    expect(addressKey('::1')).to.equal('0:0:0:0::/64');
  });
});
