/**
 * What the checks need to know about the platform that the objects alone do not say: the label that marks a
 * tenant namespace and the namespaces of each layer (the billing namespaces are the ones no tenant may reach).
 *
 * Synth writes them as `platform-facts.json` at the top of the output folder:
 * `{ "layers": { "billing": ["..."], "server": ["..."], ... }, "tenantLabel": "...", "tenantReach": { "<namespace>": [8008], ... } }`
 * (sorted keys, no timestamps: deterministic). `tenantReach` lists every namespace of the platform in the
 * cluster (its components', the ingress controller's, the DNS's, the chart sources', the worker access's) with
 * the ports it offers tenants (a number: TCP; `"53/UDP"`; `[]`: none); `check:isolation` fails on a tenant's
 * path to such a namespace on any other port. The checks (`check:isolation`, `lint:policies`, `validate`, `diff`) read them
 * from there and nowhere else: a folder without the file is refused with a message saying how to produce it,
 * so a billing layer moved to another namespace is always the one checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The facts file's name in an output folder. */
export const FACTS_FILE = 'platform-facts.json';

/** The layer whose namespaces no tenant may reach. */
export const BILLING_LAYER = 'billing';

export interface PlatformFacts {
  /** The namespace label whose presence marks a tenant namespace (its value: the tenant's name). */
  readonly tenantLabel: string;
  /** The namespaces of each platform layer, by layer name (`billing`, `server`, `redis`, ...). */
  readonly layers: Readonly<Record<string, readonly string[]>>;
  /** Namespaces no tenant namespace may reach: the `billing` layer's. */
  readonly billingNamespaces: readonly string[];
  /**
   * Each namespace of the platform (its components', the ingress controller's, the DNS's, ...) with the ports it offers tenants (empty: none). A folder
   * written before this field existed has none: then only the billing namespaces are checked.
   */
  readonly tenantReach: Readonly<Record<string, readonly ReachPort[]>>;
}

/** A port a platform namespace offers tenants: a number (TCP), or `<port>/<protocol>` (e.g. `53/UDP`). */
export type ReachPort = number | string;

const REACH_PORT = /^([0-9]{1,5})\/(TCP|UDP|SCTP)$/;

/** A {@link ReachPort} as protocol and port, or undefined when it is not one. */
export function parseReachPort(p: unknown): { readonly protocol: 'TCP' | 'UDP' | 'SCTP'; readonly port: number } | undefined {
  const m = typeof p === 'string' ? REACH_PORT.exec(p) : undefined;
  const port = typeof p === 'number' ? p : m ? Number(m[1]) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { protocol: m ? (m[2] as 'TCP' | 'UDP' | 'SCTP') : 'TCP', port };
}

/** The facts read, or undefined with the problems that make them unusable. */
export interface FactsResult {
  readonly facts?: PlatformFacts;
  readonly problems: string[];
}

/** The problem of a folder without a facts file: which file, why it is needed, how to produce it. */
export function missingFactsProblem(dir: string): string {
  return `${FACTS_FILE}: no such file in "${dir}"; the checks read the tenant label and the platform's namespaces from it. Synth writes it with the output: npm run synth (for dist/) or node build/main.js --out ${dir}`;
}

/** Reads `platform-facts.json` of `dir`; a missing or bad file gives problems naming the file, field and value. */
export function readPlatformFacts(dir: string): FactsResult {
  const path = join(dir, FACTS_FILE);
  if (!existsSync(path)) return { problems: [missingFactsProblem(dir)] };
  return parsePlatformFactsText(readFileSync(path, 'utf8'));
}

/** Parses the text of a facts file (`file` names it in the problems). */
export function parsePlatformFactsText(text: string, file = FACTS_FILE): FactsResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problems: [`${file}: not valid JSON: ${(e as Error).message}`] };
  }
  return parsePlatformFacts(raw, file);
}

const isNamespaceList = (v: unknown): v is string[] => Array.isArray(v) && v.every((n) => typeof n === 'string' && n !== '');

/** Checks the parsed content of a facts file; every problem at once. */
export function parsePlatformFacts(raw: any, file = FACTS_FILE): FactsResult {
  const problems: string[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { problems: [`${file}: must be a JSON object with tenantLabel and layers`] };
  const tenantLabel = raw.tenantLabel;
  if (typeof tenantLabel !== 'string' || tenantLabel === '') problems.push(`${file}: tenantLabel ${JSON.stringify(tenantLabel)} must be a non-empty label key`);
  const layers: Record<string, string[]> = {};
  if (raw.layers === null || typeof raw.layers !== 'object' || Array.isArray(raw.layers)) {
    problems.push(`${file}: layers ${JSON.stringify(raw.layers)} must be an object of layer name to namespace names, with at least "${BILLING_LAYER}"`);
  } else {
    if (!(BILLING_LAYER in raw.layers)) problems.push(`${file}: layers.${BILLING_LAYER} is missing; it must list the billing namespaces (no tenant may reach them)`);
    for (const [layer, namespaces] of Object.entries(raw.layers)) {
      if (isNamespaceList(namespaces)) layers[layer] = namespaces;
      else problems.push(`${file}: layers.${layer} ${JSON.stringify(namespaces)} must be a list of namespace names`);
    }
  }
  const tenantReach: Record<string, ReachPort[]> = {};
  if (raw.tenantReach !== undefined) {
    if (raw.tenantReach === null || typeof raw.tenantReach !== 'object' || Array.isArray(raw.tenantReach)) {
      problems.push(`${file}: tenantReach ${JSON.stringify(raw.tenantReach)} must be an object of namespace name to the ports it offers tenants`);
    } else {
      for (const [namespace, ports] of Object.entries(raw.tenantReach)) {
        if (Array.isArray(ports) && ports.every((p) => parseReachPort(p) !== undefined)) tenantReach[namespace] = ports as ReachPort[];
        else problems.push(`${file}: tenantReach.${namespace} ${JSON.stringify(ports)} must be a list of ports: a number (TCP, 1-65535) or "<port>/<TCP|UDP|SCTP>"`);
      }
    }
  }
  if (problems.length > 0) return { problems };
  return { facts: { tenantLabel, layers, billingNamespaces: layers[BILLING_LAYER], tenantReach }, problems };
}

/** The billing namespaces for messages: `a, b`, or a note that the output has none (billing off). */
export function billingNamespacesText(facts: Pick<PlatformFacts, 'billingNamespaces'>): string {
  return facts.billingNamespaces.length > 0 ? facts.billingNamespaces.join(', ') : `a billing namespace (${FACTS_FILE} names none: billing is off)`;
}

/** The layers' namespaces as synth knows them (a subset of the resolved platform, so that this module stays free of it). */
export interface PlatformLayers {
  readonly tenantLabel: string;
  /** The billing namespace, or none when billing is off. */
  readonly billing?: string;
  /** The server namespace, or none in a cluster without the server (a worker of several clusters). */
  readonly server?: string;
  readonly redis: string;
  /** Each namespace of the cluster's platform (its components', the ingress controller's, the DNS's, ...) with the ports it offers tenants. */
  readonly tenantReach: Readonly<Record<string, readonly ReachPort[]>>;
}

/** The content of `platform-facts.json`: sorted keys, no timestamps, a final newline (deterministic). */
export function platformFactsJson(layers: PlatformLayers): string {
  const order = (p: ReachPort) => { const r = parseReachPort(p)!; return r.port * 4 + ['TCP', 'UDP', 'SCTP'].indexOf(r.protocol); };
  const reach = Object.keys(layers.tenantReach).sort().map((ns) => [ns, [...new Set(layers.tenantReach[ns])].sort((a, b) => order(a) - order(b))] as const);
  const facts = {
    layers: { billing: layers.billing === undefined ? [] : [layers.billing], redis: [layers.redis], server: layers.server === undefined ? [] : [layers.server] },
    tenantLabel: layers.tenantLabel,
    tenantReach: Object.fromEntries(reach),
  };
  return `${JSON.stringify(facts, null, 2)}\n`;
}
