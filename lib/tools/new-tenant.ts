/**
 * `npm run tenant:new -- <name> --admin-email <e-mail> --admin-name "<name>" [options]`: writes
 * `tenants/<name>.yaml`, a minimal tenant file with the next free session port range, after checking it
 * together with every existing tenant file (the same checks as synth). Nothing is written when any
 * check fails or the file exists.
 *
 * The next free range starts right after the highest port any tenant uses, so ports a tenant just gave
 * up are not handed to the next one at once; when there is no room left at the top, the lowest gap
 * that fits is used.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ParsedArgs, UsageError, parseArgs, usageText } from '../cli-args';
import { TENANT_NEW_COMMAND } from '../cli-commands';
import { resolvePlatform } from '../platform/platform';
import { PlatformProps } from '../platform/platform-props';
import { TENANT_DEFAULTS, TenantSpec } from '../config/tenant-schema';
import { DEFAULT_NODE_PORT_RANGE } from '../core/network-defaults';
import { ResolvedTenant, TenantQuotaSpec, resolveTenants } from '../tenant/tenants';
import { readTenantFiles } from '../tenant/tenant-files';
import { PICK_FREE_RANGE } from '../tenant/stream-ports';
import { ConfigError } from '../core/problems';

/** The usage, from the command's one description (lib/cli-commands.ts, with the defaults of tenant-schema.ts). */
export const TENANT_NEW_USAGE = usageText(TENANT_NEW_COMMAND).trimEnd();

/** The command line, parsed. */
export interface NewTenantOptions {
  readonly name: string;
  readonly adminEmail: string;
  readonly adminName: string;
  readonly namespace?: string;
  readonly ssoDomains?: readonly string[];
  readonly allowedUsers?: number;
  readonly gpuModel?: string;
  readonly gpuFractions?: readonly number[];
  readonly maxServices?: number;
  readonly startingPort?: number;
  readonly routerHost?: string;
  /** The quota's fields given on the command line (`--quota-*`). */
  readonly quota?: TenantQuotaSpec;
  readonly dir?: string;
}

function toNumber(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got "${text}"`);
  return n;
}

/** Parses the arguments after `--` with the shared parser (lib/cli-args.ts); throws with the usage on a mistake. */
export function parseNewTenantArgs(argv: readonly string[]): NewTenantOptions {
  let args: ParsedArgs;
  try {
    args = parseArgs(TENANT_NEW_COMMAND, argv);
  } catch (e) {
    if (e instanceof UsageError) throw new Error(`${e.message}\n${TENANT_NEW_USAGE}`);
    throw e;
  }
  const values = args.options;
  const positional = args.positionals;
  if (positional.length !== 1) throw new Error(`give exactly one tenant name (got ${positional.length})\n${TENANT_NEW_USAGE}`);
  const one = (flag: string) => values.get(flag)?.at(-1);
  const adminEmail = one('--admin-email');
  const adminName = one('--admin-name');
  if (adminEmail === undefined || adminName === undefined) throw new Error(`--admin-email and --admin-name are required\n${TENANT_NEW_USAGE}`);
  const num = (flag: string) => (one(flag) === undefined ? undefined : toNumber(flag, one(flag)!));
  return {
    name: positional[0],
    adminEmail,
    adminName,
    namespace: one('--namespace'),
    ssoDomains: values.get('--sso-domain'),
    allowedUsers: num('--allowed-users'),
    gpuModel: one('--gpu-model'),
    gpuFractions: one('--gpu-fractions')?.split(',').map((f) => toNumber('--gpu-fractions', f)),
    maxServices: num('--max-services'),
    startingPort: num('--starting-port'),
    routerHost: one('--router-host'),
    ...quotaOf({ cpu: one('--quota-cpu'), memory: one('--quota-memory'), gpus: num('--quota-gpus'), pods: num('--quota-pods') }),
    dir: one('--dir'),
  };
}

/** `{ quota }` with the fields given, or nothing when none is. */
function quotaOf(fields: TenantQuotaSpec): { quota?: TenantQuotaSpec } {
  const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as TenantQuotaSpec;
  return Object.keys(given).length > 0 ? { quota: given } : {};
}

/**
 * The quota of the new file: the keys given, over the platform's maxima (`tenancy.limits.maxQuota`, whose keys
 * every tenant's quota must set) for a start; none when neither is there.
 */
function newTenantQuota(options: NewTenantOptions, platformProps: PlatformProps): TenantQuotaSpec | undefined {
  const max = platformProps.tenancy?.limits?.maxQuota;
  if (max === undefined) return options.quota;
  return { ...max, ...options.quota };
}

/** A tenant's session ports: the agent chart uses `start+1` ... `start+count`. */
export interface PortRange {
  readonly start: number;
  readonly count: number;
}

/**
 * A `startingPort` whose `count` session ports (`start+1` ... `start+count`) are free and inside the
 * NodePort range: right after the highest taken range if there is room, else the lowest gap that fits;
 * undefined when none does.
 */
export function nextFreePortRange(taken: readonly PortRange[], count: number, range: { readonly min: number; readonly max: number } = DEFAULT_NODE_PORT_RANGE): number | undefined {
  const fits = (start: number) => start >= range.min && start + count <= range.max && taken.every((r) => start + count <= r.start || r.start + r.count <= start);
  const top = Math.max(range.min, ...taken.map((r) => r.start + r.count));
  if (fits(top)) return top;
  const candidates = [range.min, ...taken.map((r) => r.start + r.count)].sort((a, b) => a - b);
  return candidates.find(fits);
}

/**
 * Every NodePort range the tenants use, as {@link PortRange}s: their session ports, and their app
 * gateway stream ports (`start` ... `end`, both included, which is the range `start-1`, `end-start+1`).
 */
export function takenPorts(tenants: readonly ResolvedTenant[]): PortRange[] {
  return tenants.flatMap((t) => {
    const stream = t.router.streamSession.portRange;
    return [{ start: t.sessions.startingPort, count: t.sessions.maxServices }, ...(stream ? [{ start: stream.start - 1, count: stream.end - stream.start + 1 }] : [])];
  });
}

/** The tenant file's content for the options: only what was given, plus the port range. */
export function newTenantSpec(options: NewTenantOptions, startingPort: number): TenantSpec {
  const queues = {
    ...(options.gpuFractions !== undefined ? { gpuFractions: options.gpuFractions } : {}),
    ...(options.gpuModel !== undefined ? { gpuModel: options.gpuModel } : {}),
  };
  return {
    name: options.name,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    admin: { name: options.adminName, email: options.adminEmail },
    ...(options.ssoDomains !== undefined ? { ssoDomains: options.ssoDomains } : {}),
    ...(options.allowedUsers !== undefined ? { allowedUsers: options.allowedUsers } : {}),
    ...(Object.keys(queues).length > 0 ? { queues } : {}),
    sessions: { startingPort, ...(options.maxServices !== undefined ? { maxServices: options.maxServices } : {}) },
    ...(options.routerHost !== undefined ? { router: { hostName: options.routerHost } } : {}),
    ...(options.quota !== undefined ? { quota: options.quota } : {}),
  } as TenantSpec;
}

/** The text of a tenant file. */
export function renderTenantFile(spec: TenantSpec): string {
  return [
    '# yaml-language-server: $schema=../schema/tenant.schema.json',
    '# Written by `npm run tenant:new`; every field not here takes its default (see the schema).',
    YAML.stringify(spec, { lineWidth: 0 }),
  ].join('\n');
}

/** The hint of a port clash when `--starting-port` was given (synth's hint is {@link PICK_FREE_RANGE}). */
export const STARTING_PORT_HINT = 'omit --starting-port to get the next free range';

/**
 * Checks the new tenant with every existing one and writes `<dir>/<name>.yaml`. Throws a
 * `ConfigError` listing every problem (of the new file or the existing ones), or an `Error` when the
 * file exists or no port range is free.
 */
export function createTenantFile(options: NewTenantOptions, platformProps: PlatformProps): { file: string; text: string } {
  const dir = options.dir ?? 'tenants';
  const file = join(dir, `${options.name}.yaml`);
  if (existsSync(file)) throw new Error(`${file} exists already; edit it instead`);
  const platform = resolvePlatform(platformProps);
  const existing = readTenantFiles(dir);
  const tenants = resolveTenants(existing, platform);
  const count = options.maxServices ?? TENANT_DEFAULTS.sessions.maxServices;
  const range = platform.network.nodePortRange;
  const start = options.startingPort ?? nextFreePortRange(takenPorts(tenants), count, range);
  if (start === undefined) throw new Error(`no ${count} free session ports are left in ${range.min}-${range.max} (network.nodePortRange); use a smaller --max-services or widen the range`);
  const quota = newTenantQuota(options, platformProps);
  const text = renderTenantFile(newTenantSpec({ ...options, ...(quota !== undefined ? { quota } : {}) }, start));
  try {
    resolveTenants([...existing, { file, text }], platform);
  } catch (e) {
    // synth's hint says tenant:new picks a free range; here it did not because --starting-port was given.
    if (!(e instanceof ConfigError) || options.startingPort === undefined) throw e;
    throw new ConfigError(e.problems.map((p) => ({ ...p, message: p.message.split(PICK_FREE_RANGE).join(STARTING_PORT_HINT) })));
  }
  writeFileSync(file, text);
  return { file, text };
}

/** The command: returns the exit code; problems go to standard error. */
export function runTenantNew(argv: readonly string[], platformProps: PlatformProps, out: { log(s: string): void; error(s: string): void } = console): number {
  try {
    const { file, text } = createTenantFile(parseNewTenantArgs(argv), platformProps);
    out.log(`wrote ${file}:\n${text}\nReview it, then \`npm run synth\` and open a pull request with both.`);
    return 0;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    out.error(`tenant:new failed; nothing was written.\n${e.message}`);
    return 1;
  }
}
