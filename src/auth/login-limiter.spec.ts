import { limitedAddress } from './login-limiter';

describe('limitedAddress', () => {
  it('counts IPv4 addresses as they are, IPv4-mapped ones too', () => {
    expect(limitedAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(limitedAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv6 client by its /64, however it writes the address', () => {
    const one = limitedAddress('2001:db8:aa:1::5');
    expect(one).toBe('2001:db8:aa:1::/64');
    expect(limitedAddress('2001:0db8:00aa:0001:ffff:1:2:3')).toBe(one);
    expect(limitedAddress('2001:db8:aa:2::5')).not.toBe(one);
    expect(limitedAddress('::1')).toBe('0:0:0:0::/64');
    expect(limitedAddress('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('leaves anything else alone', () => {
    expect(limitedAddress('unknown')).toBe('unknown');
  });
});
