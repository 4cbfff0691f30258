/**
 * The app gateway's stream session ports of each tenant (`router.streamSession.portRange` of the tenant
 * file): NodePorts like the session ports, so each range must lie inside the platform's NodePort range
 * and apart from the session ports and the other stream ports of every tenant in the same cluster (a
 * NodePort is one port of the whole cluster; tenants in different clusters of several may share ports).
 */
import { checkDnsName } from '../config/checks';
import type { ResolvedPlatform } from '../platform/platform';
import { Problems } from '../core/problems';
import { TENANT_BOUNDS } from '../config/tenant-schema';

/** A tenant's stream sessions with defaults applied; `portRange` absent: no stream ports. */
export interface ResolvedStreamSession {
  readonly routerAddress: string;
  readonly portRange?: { readonly start: number; readonly end: number };
}

const PATH = 'router.streamSession.portRange';

/** The hint of the overlap problems (`npm run tenant:new` replaces it when given `--starting-port`). */
export const PICK_FREE_RANGE = 'pick a free range (npm run tenant:new does)';

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Defaults of a tenant file's `router.streamSession`: the router address is the router host. */
export function resolveStreamSession(router: { streamSession?: { routerAddress?: string; portRange?: { start: number; end: number } } } | undefined, hostName: string): ResolvedStreamSession {
  // A value of the wrong type (`streamSession: 5`, `portRange: null`) is the schema's problem; here it is no range, not a crash.
  const s: Record<string, any> = isRecord(router?.streamSession) ? router!.streamSession : {};
  const range = isRecord(s.portRange) ? s.portRange : undefined;
  return { routerAddress: s.routerAddress ?? hostName, ...(range !== undefined ? { portRange: { start: range.start, end: range.end } } : {}) };
}

/** One tenant's range: start <= end, at most TENANT_BOUNDS.streamPorts ports, inside network.nodePortRange. */
export function checkStreamSession(problems: Problems, stream: ResolvedStreamSession, explicitAddress: boolean, platform: ResolvedPlatform): void {
  if (explicitAddress) checkDnsNameOrIp(problems, 'router.streamSession.routerAddress', stream.routerAddress);
  const r = stream.portRange;
  if (!r || !Number.isInteger(r.start) || !Number.isInteger(r.end)) return; // the schema reports a missing or odd port
  const nodePorts = platform.network.nodePortRange;
  if (r.end < r.start) problems.add(`${PATH}.end`, r.end, `must be at least start (${r.start})`);
  else if (r.end - r.start + 1 > TENANT_BOUNDS.streamPorts) problems.add(PATH, r, `holds ${r.end - r.start + 1} ports; at most ${TENANT_BOUNDS.streamPorts}`);
  if (r.start < nodePorts.min || r.start > nodePorts.max) problems.add(`${PATH}.start`, r.start, `must lie inside the NodePort range ${nodePorts.min}-${nodePorts.max} (the platform's network.nodePortRange)`);
  if (r.end < nodePorts.min || r.end > nodePorts.max) problems.add(`${PATH}.end`, r.end, `must lie inside the NodePort range ${nodePorts.min}-${nodePorts.max} (the platform's network.nodePortRange)`);
}

function checkDnsNameOrIp(problems: Problems, path: string, value: string): void {
  if (typeof value === 'string' && /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value) && value.split('.').every((o) => Number(o) <= 255)) return;
  checkDnsName(problems, path, value);
}

/**
 * Whether two tenants running in these clusters share one: on a platform of several, they name a cluster in
 * common (a NodePort is one port of one cluster, so tenants of different clusters may have the same ports);
 * with no clusters (a platform of one cluster), always.
 */
export function inOneCluster(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === 0 || b.length === 0 || a.some((c) => b.includes(c));
}

/** A tenant's ports for the cross-tenant check. */
export interface TenantPorts {
  readonly file: string;
  readonly problems: Problems;
  /** The clusters it runs in (a platform of several); empty: the one cluster. @default - the one cluster */
  readonly clusters?: readonly string[];
  /** The session NodePorts (first and last included), when valid. */
  readonly sessions?: { readonly first: number; readonly last: number };
  readonly stream?: { readonly start: number; readonly end: number };
}

/**
 * Stream ranges that overlap another tenant's stream range or any tenant's session ports (its own too) in
 * the same cluster, all at once. A clash of two files is reported on both, each naming the other (so that
 * CI does not blame only the tenant that was there first): on the stream range of the one and on the
 * stream range or `sessions.startingPort` of the other.
 */
export function checkStreamPortRanges(items: readonly TenantPorts[]): void {
  const overlaps = (a: { first: number; last: number }, b: { first: number; last: number }) => a.first <= b.last && b.first <= a.last;

  items.forEach((item, i) => {
    const s = item.stream;
    if (!s || s.end < s.start) return;
    const mine = { first: s.start, last: s.end };
    items.forEach((other, j) => {
      if (i !== j && !inOneCluster(item.clusters, other.clusters)) return;
      if (other.sessions && overlaps(mine, other.sessions)) {
        const whose = i === j ? 'its own session ports' : `the session ports of ${other.file}`;
        item.problems.add(PATH, s, `makes the stream ports ${s.start}-${s.end}, which overlap ${whose} ${other.sessions.first}-${other.sessions.last}; NodePorts are one port of the whole cluster: ${PICK_FREE_RANGE}`);
        if (i !== j) {
          other.problems.add(
            'sessions.startingPort',
            other.sessions.first - 1,
            `makes the session ports ${other.sessions.first}-${other.sessions.last} (startingPort+1 ... startingPort+maxServices), which overlap the stream ports ${s.start}-${s.end} (${PATH}) of ${item.file}; NodePorts are one port of the whole cluster: ${PICK_FREE_RANGE}`,
          );
        }
      }
      if (j < i && other.stream && other.stream.end >= other.stream.start && overlaps(mine, { first: other.stream.start, last: other.stream.end })) {
        item.problems.add(PATH, s, `makes the stream ports ${s.start}-${s.end}, which overlap the stream ports ${other.stream.start}-${other.stream.end} of ${other.file}; ${PICK_FREE_RANGE}`);
        other.problems.add(PATH, other.stream, `makes the stream ports ${other.stream.start}-${other.stream.end}, which overlap the stream ports ${s.start}-${s.end} of ${item.file}; ${PICK_FREE_RANGE}`);
      }
    });
  });
}
