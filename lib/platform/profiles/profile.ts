/**
 * Install profiles: a profile is a set of default props that sits between the built-in defaults (the
 * runbook's values, lib/platform/platform.ts) and the user's props in `main.ts`. Every prop the user sets
 * wins; a profile only fills in what the user left out (see {@link applyProfile}).
 *
 * - `runbook` (the default): no defaults of its own, so the output is what the runbook writes.
 * - `current`: ClearML's current Kubernetes pages (lib/platform/profiles/current.ts).
 */
import type { PlatformProps } from '../platform-props';
import type { Problems } from '../../core/problems';
import { currentProfile } from './current';
import { runbookProfile } from './runbook';

/** A profile: one line on what it is (README, synth summary) and its defaults for the given props. */
export interface ProfileDefinition {
  readonly description: string;
  /** The defaults for these props (a profile may derive some from `baseDomain`). */
  defaults(props: PlatformProps): ProfileDefaults;
}

/** The registry: one line per profile, the default first. */
const REGISTRY = {
  runbook: runbookProfile,
  current: currentProfile,
} as const satisfies Readonly<Record<string, ProfileDefinition>>;

/** The name of a profile. */
export type ProfileName = keyof typeof REGISTRY;

/** Every profile, the default first. */
export const PROFILES: readonly ProfileName[] = Object.keys(REGISTRY) as ProfileName[];

/** The profile used when neither `main.ts` nor the command line names one. */
export const DEFAULT_PROFILE: ProfileName = 'runbook';

/** Props a profile fills in: any part of {@link PlatformProps}, at any depth. */
export type ProfileDefaults = DeepPartial<PlatformProps>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** What a profile is, in one line (README, synth summary). */
export function profileDescription(name: ProfileName): string {
  return REGISTRY[name].description;
}

/** Whether `name` is a profile. */
export function isProfileName(name: unknown): name is ProfileName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, name);
}

/** The message of a bad profile name: what is allowed. */
export function profileNameMessage(): string {
  return `must be one of ${PROFILES.map((p) => `"${p}"`).join(', ')} (default "${DEFAULT_PROFILE}")`;
}

/** The defaults of one profile for these props (a profile may derive defaults from `baseDomain`). */
export function profileDefaults(name: ProfileName, props: PlatformProps): ProfileDefaults {
  return REGISTRY[name].defaults(props);
}

/**
 * The user's props over the profile's defaults: plain objects merge key by key (the user's keys win),
 * anything else the user sets (a value, a list) replaces the profile's. A chart (`{ source, chart,
 * version }`) and a chart source (`sources.<name>`) are each one value: the user's replaces the profile's
 * whole, so a source never mixes the fields of two types.
 *
 * A bad `profile` is reported on `problems` (field `profile`) and the props are used without profile.
 */
export function applyProfile(props: PlatformProps, problems: Problems): { readonly props: PlatformProps; readonly profile: ProfileName } {
  const given = (props as { profile?: unknown } | undefined)?.profile;
  if (given !== undefined && !isProfileName(given)) {
    problems.add('profile', given, profileNameMessage());
    return { props, profile: DEFAULT_PROFILE };
  }
  const profile: ProfileName = given ?? DEFAULT_PROFILE;
  if (props === undefined || props === null || typeof props !== 'object') return { props, profile };
  const defaults = profileDefaults(profile, props) as Record<string, unknown>;
  return { props: mergeUserOverProfile(defaults, props as unknown as Record<string, unknown>, '') as unknown as PlatformProps, profile };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A chart prop (`{ source, chart, version }`) or an entry of `sources`: replaced whole, never merged. */
function isAtomic(path: string, value: Record<string, unknown>): boolean {
  return /^sources\.[^.]+$/.test(path) || ('source' in value && 'chart' in value);
}

/** `user` over `profile`; `undefined` in `user` keeps the profile's value. Neither input is changed. */
export function mergeUserOverProfile(profile: Record<string, unknown>, user: Record<string, unknown>, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...profile };
  for (const [key, value] of Object.entries(user)) {
    if (value === undefined) continue;
    const prev = out[key];
    const at = path ? `${path}.${key}` : key;
    out[key] = isPlainObject(prev) && isPlainObject(value) && !isAtomic(at, value) && !isAtomic(at, prev) ? mergeUserOverProfile(prev, value, at) : value;
  }
  return out;
}
