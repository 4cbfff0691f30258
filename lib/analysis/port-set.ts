/**
 * Sets of ports per protocol, as NetworkPolicy rules allow them.
 *
 * A set holds, per protocol (TCP, UDP, SCTP), merged port ranges and, for destinations whose container
 * ports are unknown (pods of a Helm release), named ports that could not be resolved to a number.
 * Sets are immutable and interned: equal sets are the same object, so union and intersection results
 * are cached by identity, which keeps the evaluator cheap when thousands of namespaces share the same
 * few port sets.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MAX_PORT = 65535;

type Range = readonly [number, number];

export class PortSet {
  private static readonly interned = new Map<string, PortSet>();
  private static readonly unions = new Map<string, PortSet>();
  private static readonly intersections = new Map<string, PortSet>();
  private static nextId = 0;

  /** No port at all. */
  public static readonly NONE = PortSet.of({}, {});
  /** Every port of every protocol. */
  public static readonly ALL = PortSet.of(
    { TCP: [[1, MAX_PORT]], UDP: [[1, MAX_PORT]], SCTP: [[1, MAX_PORT]] },
    {},
  );

  /** A set from ranges and unresolved names per protocol (normalized and interned). */
  public static of(ranges: Partial<Record<Protocol, readonly Range[]>>, names: Partial<Record<Protocol, readonly string[]>>): PortSet {
    const r = {} as Record<Protocol, Range[]>;
    const n = {} as Record<Protocol, string[]>;
    for (const p of PROTOCOLS) {
      r[p] = mergeRanges(ranges[p] ?? []);
      n[p] = [...new Set(names[p] ?? [])].sort();
    }
    const key = PROTOCOLS.map((p) => `${p}:${r[p].map(([a, b]) => `${a}-${b}`).join(',')}#${n[p].join(',')}`).join(';');
    const found = PortSet.interned.get(key);
    if (found) return found;
    const set = new PortSet(key, r, n);
    PortSet.interned.set(key, set);
    return set;
  }

  /** One port or range of one protocol. */
  public static range(protocol: Protocol, from: number, to: number = from): PortSet {
    return PortSet.of({ [protocol]: [[from, to]] }, {});
  }

  /** One named port of one protocol, left unresolved. */
  public static named(protocol: Protocol, name: string): PortSet {
    return PortSet.of({}, { [protocol]: [name] });
  }

  public readonly id = PortSet.nextId++;

  private constructor(
    /** Canonical text of the set; equal sets have equal keys. */
    public readonly key: string,
    public readonly ranges: Readonly<Record<Protocol, readonly Range[]>>,
    public readonly names: Readonly<Record<Protocol, readonly string[]>>,
  ) {}

  public get isEmpty(): boolean {
    return this === PortSet.NONE;
  }

  public get isAll(): boolean {
    return this === PortSet.ALL;
  }

  /** Whether a numbered port is in the set. */
  public hasPort(protocol: Protocol, port: number): boolean {
    return this.ranges[protocol].some(([a, b]) => a <= port && port <= b);
  }

  /** Whether an unresolved named port is in the set. */
  public hasName(protocol: Protocol, name: string): boolean {
    return this.names[protocol].includes(name);
  }

  public union(other: PortSet): PortSet {
    if (this === other || other.isEmpty) return this;
    if (this.isEmpty) return other;
    if (this.isAll || other.isAll) return PortSet.ALL;
    const key = this.id < other.id ? `${this.id}|${other.id}` : `${other.id}|${this.id}`;
    let result = PortSet.unions.get(key);
    if (!result) {
      const ranges: Partial<Record<Protocol, Range[]>> = {};
      const names: Partial<Record<Protocol, string[]>> = {};
      for (const p of PROTOCOLS) {
        ranges[p] = [...this.ranges[p], ...other.ranges[p]];
        names[p] = [...this.names[p], ...other.names[p]];
      }
      result = PortSet.of(ranges, names);
      PortSet.unions.set(key, result);
    }
    return result;
  }

  /**
   * The ports in both sets. An unresolved name meets a numbered range of the same protocol as the
   * name itself (the number behind the name is unknown, so it may be in the range: conservative).
   */
  public intersect(other: PortSet): PortSet {
    if (this === other || other.isAll) return this;
    if (this.isAll) return other;
    if (this.isEmpty || other.isEmpty) return PortSet.NONE;
    const key = this.id < other.id ? `${this.id}|${other.id}` : `${other.id}|${this.id}`;
    let result = PortSet.intersections.get(key);
    if (!result) {
      const ranges: Partial<Record<Protocol, Range[]>> = {};
      const names: Partial<Record<Protocol, string[]>> = {};
      for (const p of PROTOCOLS) {
        const out: Range[] = [];
        for (const [a1, b1] of this.ranges[p]) {
          for (const [a2, b2] of other.ranges[p]) {
            const lo = Math.max(a1, a2);
            const hi = Math.min(b1, b2);
            if (lo <= hi) out.push([lo, hi]);
          }
        }
        ranges[p] = out;
        const keep = (name: string, otherSide: PortSet) => otherSide.names[p].includes(name) || otherSide.ranges[p].length > 0;
        names[p] = [...this.names[p].filter((n) => keep(n, other)), ...other.names[p].filter((n) => keep(n, this))];
      }
      result = PortSet.of(ranges, names);
      PortSet.intersections.set(key, result);
    }
    return result;
  }

  /**
   * The ports of this set that are not in `other`. An unresolved name stays unless `other` has the same
   * name (the number behind it is unknown, so it may lie outside `other`'s ranges: conservative).
   */
  public minus(other: PortSet): PortSet {
    if (other.isEmpty || this.isEmpty) return this;
    if (this === other || other.isAll) return PortSet.NONE;
    const ranges: Partial<Record<Protocol, Range[]>> = {};
    const names: Partial<Record<Protocol, string[]>> = {};
    for (const p of PROTOCOLS) {
      let left: Range[] = [...this.ranges[p]];
      for (const [a2, b2] of other.ranges[p]) {
        left = left.flatMap(([a1, b1]): Range[] => {
          if (b2 < a1 || a2 > b1) return [[a1, b1]];
          const out: Range[] = [];
          if (a1 < a2) out.push([a1, a2 - 1]);
          if (b2 < b1) out.push([b2 + 1, b1]);
          return out;
        });
      }
      ranges[p] = left;
      names[p] = this.names[p].filter((n) => !other.names[p].includes(n));
    }
    return PortSet.of(ranges, names);
  }

  /** Short text: `all`, `-` (none), or e.g. `TCP 80,8000-8010; UDP 53; TCP name:http`. */
  public describe(): string {
    if (this.isAll) return 'all';
    if (this.isEmpty) return '-';
    const parts: string[] = [];
    for (const p of PROTOCOLS) {
      const items = this.ranges[p].map(([a, b]) => (a === 1 && b === MAX_PORT ? 'all' : a === b ? `${a}` : `${a}-${b}`));
      items.push(...this.names[p].map((n) => `name:${n}`));
      if (items.length > 0) parts.push(`${p} ${items.join(',')}`);
    }
    return parts.join('; ');
  }
}

function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .map(([a, b]) => [Math.max(1, Math.min(a, b)), Math.min(MAX_PORT, Math.max(a, b))] as const)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
