import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { ConfigError, Problem } from '../lib/core/problems';
import { Construct } from 'constructs';
import { ResolvedPlatform, resolvePlatform } from '../lib/platform/platform';
import { PlatformProps } from '../lib/platform/platform-props';

/** The smallest valid platform props (billing off, since its chart has no default). */
export const MINIMAL_PLATFORM: PlatformProps = {
  baseDomain: 'example.com',
  server: { supervisor: { email: 'root@example.com' } },
  billing: { enabled: false },
};

/** Resolved platform from minimal props plus overrides (shallow per top-level key). */
export function platformWith(overrides: Partial<PlatformProps> = {}): ResolvedPlatform {
  return resolvePlatform({ ...MINIMAL_PLATFORM, ...overrides } as PlatformProps);
}

/** Synthesizes what `build` adds to a fresh chart; returns the manifests. */
export function synthOf(build: (scope: Construct) => void): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  build(chart);
  return Testing.synth(chart);
}

/** The one object of the kind (and name, if given); fails the test when there is not exactly one. */
export function only(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** The env entry called `name` in an env list. */
export function envEntry(env: Array<{ name: string }>, name: string): any {
  return env.find((e) => e.name === name);
}

export { App };

/** The problems a checked input gives: `run`'s ConfigError's problems, or none when it passes (any other error is thrown). */
export function configProblems(run: () => unknown): Problem[] {
  try {
    run();
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
}

/** Every file below a folder, relative path to content (what a synth wrote, to compare before and after). */
export function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

/**
 * The set-up of a describe block that runs the CLI in-process (call it in the block): a fresh temporary folder
 * per test (`dir()`), and what the run wrote to standard output and error, per test (`out`, `err`).
 */
export function captureCliRuns(prefix: string): { readonly dir: () => string; readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    out.length = 0;
    err.length = 0;
    jest.spyOn(process.stdout, 'write').mockImplementation((t) => out.push(String(t)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((t) => err.push(String(t)) > 0);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, out, err };
}

/** The problems of platform props that must have some, as `path: value: message` (throws when they have none). */
export function platformPropsProblems(props: PlatformProps): string[] {
  const problems = configProblems(() => resolvePlatform(props));
  if (problems.length === 0) throw new Error('expected a ConfigError');
  return problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
}
