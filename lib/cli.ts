/**
 * The `npm run synth` command line: `node build/main.js [--out DIR] [--profile NAME] [--platform FILE] [--allow-removal TENANT]...` (also
 * `-o DIR`; default `$CDK8S_OUTDIR`, then `dist`). Prints every input problem and returns 1 without writing; refuses a
 * folder it did not write (see lib/output/write-tree.ts); ends with a one-line summary of what changed.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { optionValue, parseArgs, runCli } from './cli-args';
import { PlatformProps } from './platform/platform-props';
import { SYNTH_COMMAND } from './cli-commands';
import { resolvePlatform } from './platform/platform';
import { ConfigError } from './core/problems';
import { floatingVersionWarnings } from './gitops/chart-catalog';
import { repositoryPathWarnings } from './output/repository-path';
import { OutputMarker } from './output/marker';
import { OutputRefusedError, WriteResult } from './output/write-tree';
import { SynthOptions, synthesizeWithResult } from './synth';
import { DEFAULT_PROFILE, isProfileName, profileDescription, profileNameMessage } from './platform/profiles/profile';

/** The options with `--profile NAME` (when given) as the platform's profile; a bad name is a ConfigError on `--profile`. */
export function withProfileOption(options: SynthOptions, profile: string | undefined): SynthOptions {
  if (profile === undefined) return options;
  if (!isProfileName(profile)) throw new ConfigError([{ file: '(command line)', path: '--profile', value: profile, message: profileNameMessage() }]);
  return { ...options, platform: { ...options.platform, profile } };
}

/** The summary line naming the profile, for any profile but the default (whose output is the runbook's). */
export function profileLine(profile: string): string[] {
  return profile === DEFAULT_PROFILE || !isProfileName(profile) ? [] : [`profile: ${profile}: ${profileDescription(profile)}`];
}

/**
 * The options with the platform of `--platform FILE` (when given): a TypeScript module like main.ts that
 * exports `platform` (and may export `tenantsDir`), loaded from its build (scripts/build.mjs compiles
 * main.ts, lib/, imports/ and examples/ into build/). A missing file, a file outside the build, or one
 * without `platform` is a ConfigError on `--platform` naming the file.
 */
export function withPlatformOption(options: SynthOptions, file: string | undefined, cwd: string = process.cwd()): SynthOptions {
  if (file === undefined) return options;
  const fail = (message: string): never => {
    throw new ConfigError([{ file: '(command line)', path: '--platform', value: file, message }]);
  };
  const source = resolve(cwd, file);
  if (!existsSync(source)) fail(`is not a file (from ${cwd}); give a platform module such as examples/two-clusters.ts`);
  // Built: this file is build/lib/cli.js and the module is build/<its path>.js; under ts-jest/swc-jest the source itself.
  const here = resolve(__dirname, '..');
  const built = basename(here) === 'build';
  const project = built ? dirname(here) : here;
  const rel = relative(project, source);
  if (rel.startsWith('..')) fail(`must be inside the project (${project}), where scripts/build.mjs compiles it`);
  const target = built ? join(here, rel.replace(/\.ts$/, '.js')) : source;
  if (!existsSync(target)) fail(`has no build at ${relative(project, target)}: scripts/build.mjs compiles main.ts, lib/, imports/ and examples/ only; put the platform module under examples/`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(target) as { platform?: PlatformProps; tenantsDir?: string };
  if (mod.platform === null || typeof mod.platform !== 'object') fail('exports no `platform` (export const platform: PlatformProps = { ... })');
  return { ...options, platform: mod.platform!, platformFile: `${file} (platform props)`, ...(typeof mod.tenantsDir === 'string' ? { tenantsDir: mod.tenantsDir } : {}) };
}

/** Where to write: `--out DIR`/`-o DIR`, else `CDK8S_OUTDIR` (set by `cdk8s synth`), else `dist`. */
export function outputDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return optionValue(parseArgs(SYNTH_COMMAND, argv), '--out') ?? (env.CDK8S_OUTDIR || 'dist');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function names(list: readonly string[]): string {
  if (list.length === 0) return '';
  return ` (${list.slice(0, 5).join(', ')}${list.length > 5 ? `, ... ${list.length - 5} more` : ''})`;
}

/** What changed between the previous output's marker and the new one, in one line. */
export function synthSummary(result: WriteResult, outdir: string): string {
  const before = new Map((result.previous?.tenants ?? []).map((t) => [t.name, t.digest]));
  const now: OutputMarker = result.marker;
  const added = now.tenants.filter((t) => !before.has(t.name)).map((t) => t.name);
  const changed = now.tenants.filter((t) => before.has(t.name) && before.get(t.name) !== t.digest).map((t) => t.name);
  const names_ = new Set(now.tenants.map((t) => t.name));
  const removed = [...before.keys()].filter((n) => !names_.has(n));
  return (
    `synth: ${outdir}: tenants: ${added.length} added${names(added)}, ${changed.length} changed${names(changed)}, ${removed.length} removed${names(removed)}` +
    ` (${now.tenants.length} in all); ${count(result.written.length, 'file')} written, ${count(result.removed.length, 'file')} removed`
  );
}

/** Synthesizes; returns the exit code. */
export function runSynth(options: SynthOptions, argv: readonly string[]): number {
  return runCli(SYNTH_COMMAND, argv, (args) => {
    const outdir = outputDir(argv);
    const allowRemoval = [...(options.allowRemoval ?? []), ...(args.options.get('--allow-removal') ?? [])];
    try {
      const chosen = withProfileOption(withPlatformOption(options, optionValue(args, '--platform')), optionValue(args, '--profile'));
      const { result, lifecycle } = synthesizeWithResult({ ...chosen, allowRemoval }, outdir);
      const resolved = resolvePlatform(chosen.platform, chosen.platformFile);
      const warnings = [
        ...floatingVersionWarnings(resolved.floatingVersions),
        ...(resolved.catalog.flavor.capabilities.repositoryPath ? repositoryPathWarnings(outdir, resolved.gitopsSettings.path) : []),
      ];
      process.stdout.write([synthSummary(result, outdir), ...profileLine(resolved.profile), ...lifecycle, ...warnings].map((l) => `${l}\n`).join(''));
      return 0;
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(`synth failed; nothing was written.\n${e.message}\n`);
        return 1;
      }
      if (e instanceof OutputRefusedError) {
        process.stderr.write(`synth: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  });
}
