/**
 * Secrets the synthesized objects refer to but never contain.
 *
 * Whoever writes a reference to a Secret also declares it with {@link requireSecret}; synth collects the
 * declarations into `SECRETS.md` and `secrets-inventory.json`, the list an operator works from (or the
 * bootstrap Job fills, for the Secrets it creates itself).
 */
import { Construct, IConstruct } from 'constructs';

/** A key of a Kubernetes Secret. */
export interface SecretKeyReference {
  /** Name of the Secret. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Who puts a Secret into the cluster. */
export type SecretProvider = 'operator' | 'bootstrap';

/** One Secret the output depends on. */
export interface SecretRequirement {
  readonly namespace: string;
  readonly name: string;
  /** The keys that are read. */
  readonly keys: readonly string[];
  /** What it is for, in a sentence. */
  readonly purpose: string;
  /** Who creates it. @default 'operator' */
  readonly providedBy?: SecretProvider;
  /** The Secret's `type`, when it must be other than `Opaque`. @default 'Opaque' */
  readonly type?: string;
}

const SECRET_REQUIREMENT = Symbol.for('clearml-tenancy.RequiredSecret');

/** A declaration in the construct tree; it renders nothing. */
export class RequiredSecret extends Construct {
  public static isRequiredSecret(x: unknown): x is RequiredSecret {
    return typeof x === 'object' && x !== null && SECRET_REQUIREMENT in x;
  }

  public readonly requirement: SecretRequirement;

  constructor(scope: Construct, id: string, requirement: SecretRequirement) {
    super(scope, id);
    const { providedBy = 'operator', type = 'Opaque', ...rest } = requirement; // an explicit undefined takes the default too
    this.requirement = { providedBy, type, ...rest, keys: [...new Set(requirement.keys)].sort() };
    Object.defineProperty(this, SECRET_REQUIREMENT, { value: true });
  }
}

/** Declares that the output reads `keys` of the Secret `namespace/name`. */
export function requireSecret(scope: Construct, requirement: SecretRequirement): RequiredSecret {
  const id = `Secret-${requirement.namespace}-${requirement.name}`;
  const existing = scope.node.tryFindChild(id);
  if (existing && RequiredSecret.isRequiredSecret(existing)) {
    const merged = { ...existing.requirement, keys: [...existing.requirement.keys, ...requirement.keys] };
    scope.node.tryRemoveChild(id);
    return new RequiredSecret(scope, id, merged);
  }
  return new RequiredSecret(scope, id, requirement);
}

/**
/**
 * All Secret requirements below the given roots, merged per namespace and name (keys united), sorted.
 * Two declarations of one Secret with different purposes keep the first purpose and list the others.
 */
export function collectSecretRequirements(roots: readonly IConstruct[]): SecretRequirement[] {
  return mergeSecretRequirements(roots.flatMap(secretRequirementsOf));
}

/** The requirements declared below one root, as declared (not merged). */
export function secretRequirementsOf(root: IConstruct): SecretRequirement[] {
  return root.node.findAll().flatMap((c) => (RequiredSecret.isRequiredSecret(c) ? [c.requirement] : []));
}

/** Merges requirements per namespace and name (keys united, purposes listed once each), sorted. */
export function mergeSecretRequirements(requirements: readonly SecretRequirement[]): SecretRequirement[] {
  const merged = new Map<string, { requirement: SecretRequirement; keys: Set<string>; purposes: string[] }>();
  for (const r of requirements) {
    const id = `${r.namespace}/${r.name}`;
    const prev = merged.get(id);
    if (!prev) {
      merged.set(id, { requirement: r, keys: new Set(r.keys), purposes: [r.purpose] });
      continue;
    }
    if (prev.requirement.providedBy !== r.providedBy) {
      throw new Error(`Secret ${id} is declared as provided by both "${prev.requirement.providedBy}" and "${r.providedBy}"`);
    }
    r.keys.forEach((k) => prev.keys.add(k));
    if (!prev.purposes.includes(r.purpose)) prev.purposes.push(r.purpose);
  }
  return [...merged.values()]
    .map(({ requirement, keys, purposes }) => ({ ...requirement, keys: [...keys].sort(), purpose: purposes.join('; ') }))
    .sort((a, b) => (a.namespace === b.namespace ? a.name.localeCompare(b.name) : a.namespace.localeCompare(b.namespace)));
}

/** Where the External Secrets Operator reads a Secret from (see lib/secrets/external-secrets.ts). */
export interface RemoteSecretSource {
  readonly store: { readonly kind: string; readonly name: string };
  readonly remoteKey: string;
  /** Secret key to property of the remote value. */
  readonly properties: Readonly<Record<string, string>>;
}

/** Who provides a Secret, for the inventory: the bootstrap Job, the operator by hand, or ESO from a remote key. */
export type SecretProvision =
  | { readonly by: 'bootstrap' }
  | { readonly by: 'operator' }
  | ({ readonly by: 'external-secrets' } & RemoteSecretSource);

/** Secrets the External Secrets Operator writes, by `namespace/name`. */
export type RemoteSources = ReadonlyMap<string, RemoteSecretSource>;

function provisionOf(r: SecretRequirement, remote: RemoteSources): SecretProvision {
  const source = r.providedBy === 'operator' ? remote.get(`${r.namespace}/${r.name}`) : undefined;
  return source ? { by: 'external-secrets', ...source } : { by: r.providedBy ?? 'operator' };
}

/** The machine-readable inventory (`secrets-inventory.json`); each Secret says who provides it (`provision`). */
export function secretInventoryJson(requirements: readonly SecretRequirement[], remote: RemoteSources = new Map()): string {
  return `${JSON.stringify({ secrets: requirements.map((r) => ({ ...r, provision: provisionOf(r, remote) })) }, null, 2)}\n`;
}

/** The human-readable inventory (`SECRETS.md`), with a `kubectl create secret` line for each. */
export function secretInventoryMarkdown(requirements: readonly SecretRequirement[], remote: RemoteSources = new Map()): string {
  const eso = requirements.filter((r) => provisionOf(r, remote).by === 'external-secrets');
  const operator = requirements.filter((r) => provisionOf(r, remote).by === 'operator');
  const bootstrap = requirements.filter((r) => r.providedBy === 'bootstrap');
  const lines = [
    '# Secrets this output refers to',
    '',
    'Generated by `npm run synth`; do not edit. No value of any of them is in Git.',
    '',
    `## Created by the operator (${operator.length})`,
    '',
    'Create each before the layer that reads it is applied (for example with Sealed Secrets or SOPS, or set `secrets.provider` to `external-secrets`).',
    '',
    'The shared Redis password is one value for every tenant: any tenant holding it can read and write every other tenant\'s Redis data, so the shared Redis is a shared trust domain, an accepted risk of the runbook\'s design. It reaches only the agent container (env `secretKeyRef`), never task pods, which run under a ServiceAccount without API rights or token.',
    '',
    '| namespace | name | type | keys | what for |',
    '|---|---|---|---|---|',
    ...operator.map((r) => `| ${r.namespace} | ${r.name} | ${r.type} | ${r.keys.map((k) => `\`${k}\``).join(', ')} | ${r.purpose} |`),
    '',
    ...(eso.length > 0
      ? [
          `## Written by the External Secrets Operator (${eso.length})`,
          '',
          'Each has an ExternalSecret in the output; the operator keeps the remote values in the store (Secrets of one name share one remote key).',
          '',
          '| namespace | name | type | store | remote key | key ← property |',
          '|---|---|---|---|---|---|',
          ...eso.map((r) => {
            const s = remote.get(`${r.namespace}/${r.name}`)!;
            return `| ${r.namespace} | ${r.name} | ${r.type} | ${s.store.kind} ${s.store.name} | \`${s.remoteKey}\` | ${r.keys.map((k) => `\`${k}\` ← \`${s.properties[k]}\``).join(', ')} |`;
          }),
          '',
        ]
      : []),
    `## Created by the tenant bootstrap Jobs (${bootstrap.length})`,
    '',
    '| namespace | name | keys | what for |',
    '|---|---|---|---|',
    ...bootstrap.map((r) => `| ${r.namespace} | ${r.name} | ${r.keys.map((k) => `\`${k}\``).join(', ')} | ${r.purpose} |`),
    '',
  ];
  return lines.join('\n');
}
