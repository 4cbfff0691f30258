/**
 * Addresses no allowed egress may ever include, whatever the settings: the cloud metadata service and
 * everything else link-local (`169.254.0.0/16`, where `169.254.169.254` hands out instance credentials),
 * loopback (`127.0.0.0/8`, the node's own services under host networking) and "this network"
 * (`0.0.0.0/8`), with their IPv6 counterparts (`fe80::/10`, `::1/128`, `::/128`, and AWS's IPv6 metadata
 * address `fd00:ec2::254/128`).
 *
 * Every ipBlock the product emits for egress goes through `safeIpBlock`, which adds these ranges to
 * `except` where the block contains them; a setting that names an address inside them is refused
 * (`neverEgressProblem`). The product emits IPv4 blocks only (the settings take IPv4 CIDRs), so the
 * IPv6 ranges are never inside an allowed egress; `lint:policies` checks both families on `dist/`.
 */
import { Cidr, parseCidr } from '../core/cidr';

/** The ranges never allowed as egress, IPv4 first. */
export const NEVER_EGRESS_CIDRS: readonly string[] = ['169.254.0.0/16', '127.0.0.0/8', '0.0.0.0/8', 'fe80::/10', '::1/128', '::/128', 'fd00:ec2::254/128'];

const NEVER: readonly Cidr[] = NEVER_EGRESS_CIDRS.map((c) => parseCidr(c)!);

const contains = (outer: Cidr, inner: Cidr) => outer.family === inner.family && outer.lo <= inner.lo && inner.hi <= outer.hi;
const overlaps = (a: Cidr, b: Cidr) => a.family === b.family && a.lo <= b.hi && b.lo <= a.hi;

/**
 * An ipBlock for `cidr` that excludes `except` (those inside `cidr`) and every never-egress range inside
 * it. A block that overlaps a never-egress range without containing it is refused when the settings are
 * resolved (see `neverEgressProblem`).
 */
export function safeIpBlock(cidr: string, except: readonly string[] = []): { cidr: string; except?: string[] } {
  const outer = parseCidr(cidr);
  if (!outer) throw new Error(`not a CIDR: ${cidr}`);
  const all = [...except, ...NEVER_EGRESS_CIDRS].filter((c, i, list) => list.indexOf(c) === i);
  const inside = all.filter((c) => {
    const inner = parseCidr(c);
    return inner !== undefined && contains(outer, inner) && !(inner.lo === outer.lo && inner.hi === outer.hi);
  });
  for (const c of NEVER) {
    if (overlaps(outer, c) && !contains(outer, c)) throw new Error(`${cidr} lies inside a range never allowed as egress`);
  }
  return inside.length > 0 ? { cidr, except: inside } : { cidr };
}

/** Why `cidr` may not be a setting for allowed egress, or undefined when it may. */
export function neverEgressProblem(cidr: string): string | undefined {
  const outer = parseCidr(cidr);
  if (!outer) return undefined;
  const hit = NEVER_EGRESS_CIDRS.find((c) => {
    const inner = parseCidr(c)!;
    return overlaps(outer, inner) && (!contains(outer, inner) || (inner.lo === outer.lo && inner.hi === outer.hi));
  });
  return hit ? `must not lie inside ${hit} (link-local, loopback and 0.0.0.0/8 are never allowed as egress)` : undefined;
}
