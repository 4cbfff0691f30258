/**
 * `ipBlock` peers of NetworkPolicies and what they mean for the analysis.
 *
 * The Kubernetes documentation says ipBlock rules are meant for cluster-external addresses: pod IPs
 * are ephemeral, and whether a CNI matches pod traffic against ipBlocks (after NAT, for instance)
 * varies. The analysis therefore never lets an ipBlock match a pod; it decides only whether a block
 * reaches "the internet", the public address space: an IPv4 or IPv6 CIDR, minus its `except` ranges,
 * that still contains a public address (anything outside the private, shared, loopback, link-local,
 * documentation, multicast and reserved ranges). `10.0.0.0/8` is not the internet; `0.0.0.0/0`
 * with `except: [10.0.0.0/8]` is.
 */

interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

export interface Cidr {
  readonly family: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Parses `a.b.c.d/n` or an IPv6 `x:y::z/n`; undefined when it is not a CIDR. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseIpv4(m[1]);
  if (v4 !== undefined) {
    if (prefix > 32) return undefined;
    return block(4, v4, prefix, 32);
  }
  const v6 = parseIpv6(m[1]);
  if (v6 !== undefined) {
    if (prefix > 128) return undefined;
    return block(6, v6, prefix, 128);
  }
  return undefined;
}

function block(family: 4 | 6, address: bigint, prefix: number, bits: number): Cidr {
  const size = 1n << BigInt(bits - prefix);
  const lo = (address / size) * size;
  return { family, lo, hi: lo + size - 1n };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** Non-public IPv4 ranges (RFC 6890 special-purpose and private-use blocks, multicast, reserved). */
const NOT_PUBLIC_V4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/3',
];
/** IPv6 global unicast is 2000::/3; within it, documentation space is not public. */
const PUBLIC_V6 = ['2000::/3'];
const NOT_PUBLIC_V6 = ['2001:db8::/32'];

function subtract(intervals: readonly Interval[], cut: Interval): Interval[] {
  const out: Interval[] = [];
  for (const i of intervals) {
    if (cut.hi < i.lo || cut.lo > i.hi) {
      out.push(i);
      continue;
    }
    if (i.lo < cut.lo) out.push({ lo: i.lo, hi: cut.lo - 1n });
    if (cut.hi < i.hi) out.push({ lo: cut.hi + 1n, hi: i.hi });
  }
  return out;
}

function cidrs(list: readonly string[]): Cidr[] {
  return list.map((c) => parseCidr(c)!);
}

const PUBLIC: Record<4 | 6, Interval[]> = {
  4: cidrs(NOT_PUBLIC_V4).reduce(subtract, [{ lo: 0n, hi: (1n << 32n) - 1n }] as Interval[]),
  6: cidrs(NOT_PUBLIC_V6).reduce(subtract, cidrs(PUBLIC_V6) as Interval[]),
};

/** Whether a block (cidr minus except) contains a public address. Invalid CIDRs are the caller's problem. */
export function reachesInternet(cidr: Cidr, except: readonly Cidr[]): boolean {
  let left: Interval[] = [];
  for (const p of PUBLIC[cidr.family]) {
    const lo = p.lo > cidr.lo ? p.lo : cidr.lo;
    const hi = p.hi < cidr.hi ? p.hi : cidr.hi;
    if (lo <= hi) left.push({ lo, hi });
  }
  for (const e of except) if (e.family === cidr.family) left = subtract(left, e);
  return left.length > 0;
}

/**
 * The cloud metadata services: AWS, GCP, Azure, OpenStack and others answer on `169.254.169.254` (instance
 * credentials), AWS also on `fd00:ec2::254` (IPv6, Nitro instances).
 */
export const METADATA_ADDRESSES: readonly string[] = ['169.254.169.254', 'fd00:ec2::254'];

/** Whether a CIDR minus its `except` ranges contains one of the cloud metadata addresses. */
export function reachesMetadata(cidr: Cidr, except: readonly Cidr[]): boolean {
  return METADATA_ADDRESSES.some((address) => {
    const a = parseCidr(`${address}/${address.includes(':') ? 128 : 32}`)!;
    if (a.family !== cidr.family || a.lo < cidr.lo || a.lo > cidr.hi) return false;
    return !except.some((e) => e.family === a.family && e.lo <= a.lo && a.lo <= e.hi);
  });
}
