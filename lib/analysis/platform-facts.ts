/**
 * What the checks need to know about the platform that the objects alone do not say: the label that marks a
 * tenant namespace and the namespaces of each layer (the billing namespaces are the ones no tenant may reach).
 *
 * Synth may write them as `platform-facts.json` at the top of the output folder:
 * `{ "tenantLabel": "...", "layers": { "billing": ["..."], "server": ["..."], ... } }` (sorted keys, no
 * timestamps: deterministic). When the folder has no such file, the defaults of this product apply
 * ({@link DEFAULT_FACTS}); when it has one, its values replace the defaults, so a billing layer moved to another
 * namespace is still the one checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The facts file's name in an output folder. */
export const FACTS_FILE = 'platform-facts.json';

export interface PlatformFacts {
  /** The namespace label whose presence marks a tenant namespace (its value: the tenant's name). */
  readonly tenantLabel: string;
  /** Namespaces no tenant namespace may reach (the billing layer). */
  readonly billingNamespaces: readonly string[];
}

/** The product's own layout, used when the output folder has no facts file. */
export const DEFAULT_FACTS: PlatformFacts = { tenantLabel: 'clearml-tenancy/tenant', billingNamespaces: ['clearml-billing'] };

/** Reads `platform-facts.json` of `dir` (defaults when absent); problems name the file, field and value. */
export function readPlatformFacts(dir: string): { facts: PlatformFacts; problems: string[] } {
  const path = join(dir, FACTS_FILE);
  if (!existsSync(path)) return { facts: DEFAULT_FACTS, problems: [] };
  let raw: any;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { facts: DEFAULT_FACTS, problems: [`${FACTS_FILE}: not valid JSON: ${(e as Error).message}`] };
  }
  return parsePlatformFacts(raw);
}

/** Checks the parsed content of a facts file. */
export function parsePlatformFacts(raw: any): { facts: PlatformFacts; problems: string[] } {
  const problems: string[] = [];
  const tenantLabel = raw?.tenantLabel ?? DEFAULT_FACTS.tenantLabel;
  if (typeof tenantLabel !== 'string' || tenantLabel === '') problems.push(`${FACTS_FILE}: tenantLabel ${JSON.stringify(tenantLabel)} must be a non-empty label key`);
  const billing = raw?.layers?.billing ?? DEFAULT_FACTS.billingNamespaces;
  if (!Array.isArray(billing) || !billing.every((n) => typeof n === 'string' && n !== '')) {
    problems.push(`${FACTS_FILE}: layers.billing ${JSON.stringify(billing)} must be a list of namespace names`);
  }
  if (problems.length > 0) return { facts: DEFAULT_FACTS, problems };
  return { facts: { tenantLabel, billingNamespaces: billing }, problems };
}

/** The layers' namespaces as synth knows them (a subset of the resolved platform, so that this module stays free of it). */
export interface PlatformLayers {
  readonly tenantLabel: string;
  readonly billing: string;
  readonly server: string;
  readonly redis: string;
}

/** The content of `platform-facts.json`: sorted keys, no timestamps, a final newline (deterministic). */
export function platformFactsJson(layers: PlatformLayers): string {
  const facts = {
    layers: { billing: [layers.billing], redis: [layers.redis], server: [layers.server] },
    tenantLabel: layers.tenantLabel,
  };
  return `${JSON.stringify(facts, null, 2)}\n`;
}
