import { parseCidr, reachesInternet } from '../../lib/core/cidr';
import { PortSet } from '../../lib/analysis/port-set';

describe('PortSet', () => {
  test('merges, intersects and describes ranges; equal sets are the same object', () => {
    const a = PortSet.range('TCP', 80).union(PortSet.range('TCP', 81, 90)).union(PortSet.range('UDP', 53));
    expect(a.describe()).toBe('TCP 80-90; UDP 53');
    expect(a).toBe(PortSet.range('UDP', 53).union(PortSet.range('TCP', 80, 90)));
    expect(a.intersect(PortSet.range('TCP', 85, 100)).describe()).toBe('TCP 85-90');
    expect(a.intersect(PortSet.range('SCTP', 80)).isEmpty).toBe(true);
    expect(a.union(PortSet.ALL)).toBe(PortSet.ALL);
    expect(PortSet.range('TCP', 1, 65535).describe()).toBe('TCP all');
  });

  test('an unresolved name meets any range of its protocol and the same name, nothing else', () => {
    const named = PortSet.named('TCP', 'http');
    expect(named.intersect(PortSet.range('TCP', 443)).describe()).toBe('TCP name:http');
    expect(named.intersect(PortSet.range('UDP', 443)).isEmpty).toBe(true);
    expect(named.intersect(PortSet.named('TCP', 'grpc')).isEmpty).toBe(true);
    expect(named.intersect(PortSet.named('TCP', 'http'))).toBe(named);
  });
});

describe('ipBlock', () => {
  test.each([
    ['0.0.0.0/0', [], true],
    ['0.0.0.0/0', ['0.0.0.0/1', '128.0.0.0/1'], false],
    ['10.0.0.0/8', [], false],
    ['172.16.0.0/12', [], false],
    ['8.8.8.8/32', [], true],
    ['::/0', [], true],
    ['fd00::/8', [], false],
    ['2001:db8::/32', [], false],
  ])('%s except %j reaches the internet: %s', (cidr, except, expected) => {
    expect(reachesInternet(parseCidr(cidr)!, except.map((e) => parseCidr(e)!))).toBe(expected);
  });

  test('rejects what is not a CIDR', () => {
    for (const text of ['10.0.0.0', '10.0.0.256/8', '10.0.0.0/33', '1::2::3/64', '::/129', 'x/1', 42]) expect(parseCidr(text)).toBeUndefined();
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, lo: 10n << 24n, hi: (11n << 24n) - 1n });
  });
});
