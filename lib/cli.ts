/**
 * The `npm run synth` command line: `node build/main.js [--out DIR] [--allow-removal TENANT]...` (also
 * `-o DIR`; default `$CDK8S_OUTDIR`, then `dist`). Prints every input problem and returns 1 without writing.
 */
import { resolvePlatform } from './config/platform';
import { ConfigError } from './config/problems';
import { floatingVersionWarnings } from './gitops/chart-catalog';
import { allowRemovalArgs } from './tenant/lifecycle-guard';
import { SynthOptions, synthesize } from './synth';

/** Where to write: `--out DIR`/`-o DIR`, else `CDK8S_OUTDIR` (set by `cdk8s synth`), else `dist`. */
export function outputDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const i = argv.findIndex((a) => a === '--out' || a === '-o' || a === '--output');
  if (i >= 0) {
    const dir = argv[i + 1];
    if (!dir) throw new Error(`${argv[i]} needs a folder`);
    return dir;
  }
  return env.CDK8S_OUTDIR || 'dist';
}

/** Synthesizes; returns the exit code. */
export function runSynth(options: SynthOptions, argv: readonly string[]): number {
  try {
    const outdir = outputDir(argv);
    const summary: string[] = [];
    const files = synthesize({ ...options, allowRemoval: [...(options.allowRemoval ?? []), ...allowRemovalArgs(argv)] }, outdir, summary);
    summary.push(...floatingVersionWarnings(resolvePlatform(options.platform).floatingVersions));
    process.stdout.write(`wrote ${files.size} files to ${outdir}\n${summary.map((l) => `${l}\n`).join('')}`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`synth failed; nothing was written.\n${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
