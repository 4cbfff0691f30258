/**
 * `npm run bench`: how synth grows with the number of tenants, against the floor of writing the same
 * YAML. Not a test: it measures and prints, and says which targets it met.
 *
 * For each N, N tenant files are generated into a scratch folder (not timed). Each measurement runs in
 * a fresh child process (so peak memory is that run's own):
 * - synth: `synthesize({ platform, tenantsDir }, out)`, the code path of `npm run synth` (load and check
 *   the tenant files, build the constructs, render, serialize, write the tree);
 * - floor: the very same objects (built first, untimed) serialized to YAML and written as the same files,
 *   nothing else.
 * - the checks, on that very synthesized output (issue 18): `validate`, `check:isolation` and
 *   `lint:policies`, each its command's `main` (read the tree, check, report) timed inside a child process
 *   as synth is (module loading excluded for all alike), output discarded, exit code kept (the verdict).
 * Each figure is the median of several runs. Then `kubectl kustomize` times the largest folder a Flux
 * Kustomization builds, at the largest N.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProps } from '../../platform/platform-props';
import { writeTree } from '../../output/write-tree';
import { renderOutputObjects, serializeOutput, synthesize } from '../../synth';

/** Session ports per generated tenant; the platform's NodePort range is widened to hold them all. */
const PORTS_PER_TENANT = 10;

/** The platform of `main.ts`, with a NodePort range wide enough for the largest N. */
export function benchPlatform(base: PlatformProps, tenants: number): PlatformProps {
  const min = 20000;
  // the last tenant's session ports end at startingPort + maxServices = min + tenants * PORTS_PER_TENANT
  return { ...base, network: { ...base.network, nodePortRange: { min, max: Math.max(32767, min + tenants * PORTS_PER_TENANT) } } };
}

/** A realistic tenant file: every field of the format that a team would set. */
export function tenantFile(i: number): string {
  const name = `t${String(i).padStart(5, '0')}`;
  return [
    `name: ${name}`,
    `admin: { name: Admin ${i}, email: admin@${name}.example.org }`,
    `ssoDomains: [${name}.example.org]`,
    'features: [experiments, pipelines]',
    'excludeFeatures: [app_management]',
    'allowedUsers: 25',
    'queues:',
    '  default: { maxPods: 10 }',
    '  gpuFractions: [1, 0.5, 0.25]',
    '  maxPods: 10',
    `sessions: { startingPort: ${20000 + i * PORTS_PER_TENANT}, maxServices: ${PORTS_PER_TENANT} }`,
    '',
  ].join('\n');
}

/** Writes N tenant files into a fresh folder; returns it. */
export function generateTenants(n: number, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `t${String(i).padStart(5, '0')}.yaml`), tenantFile(i));
  return dir;
}

/** One measurement, run inside a child process. */
export interface Sample {
  readonly seconds: number;
  readonly objects: number;
  readonly files: number;
  readonly peakMiB: number;
}

/** The checks measured on the synthesized output. */
export const CHECKS = ['validate', 'isolation', 'lint'] as const;
export type Check = (typeof CHECKS)[number];

/** One check on an output folder: seconds and exit code. */
export interface CheckSample {
  readonly seconds: number;
  readonly code: number;
}

/** Child side of a check: runs the command's `main` on `outdir`, its output discarded. */
export function runCheckSample(check: Check, outdir: string): CheckSample {
  const quiet = { out: () => undefined, err: () => undefined };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const run: () => number =
    check === 'validate'
      ? () => (require('../validate/main') as typeof import('../validate/main')).main([outdir], () => undefined)
      : check === 'isolation'
        ? () => (require('../check-isolation') as typeof import('../check-isolation')).main([outdir], quiet)
        : () => (require('../lint-policies') as typeof import('../lint-policies')).main([outdir], quiet);
  // Load the modules first (not timed), as synth's are loaded before it is timed.
  require('../validate/main');
  require('../check-isolation');
  require('../lint-policies');
  const start = process.hrtime.bigint();
  const code = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, code };
}

/** Child side: `--sample synth|floor N TENANTS_DIR OUT_DIR`. */
export function runSample(mode: 'synth' | 'floor', n: number, tenantsDir: string, outdir: string, base: PlatformProps): Sample {
  const platform = benchPlatform(base, n);
  let seconds: number;
  let files: Map<string, string>;
  let objects: number;
  if (mode === 'synth') {
    const start = process.hrtime.bigint();
    files = synthesize({ platform, tenantsDir }, outdir);
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
    objects = [...files].filter(([path]) => path.endsWith('.yaml') && !path.endsWith('/kustomization.yaml')).reduce((n, [, text]) => n + text.split('\n---\n').length, 0);
  } else {
    const output = renderOutputObjects({ platform, tenantsDir });
    objects = countObjects(output.folders);
    const start = process.hrtime.bigint();
    files = serializeOutput(output);
    writeTree(files, outdir);
    seconds = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { seconds, objects, files: files.size, peakMiB: process.resourceUsage().maxRSS / 1024 };
}

function countObjects(folders: ReadonlyArray<{ files: ReadonlyArray<{ objects: readonly unknown[] }> }>): number {
  return folders.reduce((sum, f) => sum + f.files.reduce((s, file) => s + file.objects.length, 0), 0);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One row of the table. */
export interface Row {
  readonly n: number;
  readonly objects: number;
  readonly files: number;
  readonly synthSeconds: number;
  readonly floorSeconds: number;
  readonly peakMiB: number;
  /** Median seconds and exit code of each check on the synthesized output. */
  readonly checks: Readonly<Record<Check, CheckSample>>;
}

function checkInChild(entry: string, check: Check, outdir: string): CheckSample {
  const result = spawnSync(process.execPath, [entry, '--check', check, outdir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench check ${check} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as CheckSample;
}

function sampleInChild(entry: string, mode: 'synth' | 'floor', n: number, tenantsDir: string, outdir: string): Sample {
  const result = spawnSync(process.execPath, [entry, '--sample', mode, String(n), tenantsDir, outdir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench sample ${mode} ${n} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Sample;
}

/** The largest folder (by bytes) that a Flux Kustomization builds, and the median time of `kubectl kustomize` on it. */
function kustomizeLargest(outdir: string, runs: number): { folder: string; bytes: number; seconds?: number; note?: string } {
  let best = { folder: '', bytes: -1 };
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.name === 'kustomization.yaml')) {
      const bytes = entries.filter((e) => e.isFile()).reduce((s, e) => s + statSync(join(dir, e.name)).size, 0);
      if (bytes > best.bytes) best = { folder: dir, bytes };
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(outdir);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync('kubectl', ['kustomize', best.folder], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.error || r.status !== 0) return { ...best, folder: best.folder.slice(outdir.length + 1), note: `kubectl kustomize not run: ${r.error?.message ?? r.stderr.trim()}` };
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { ...best, folder: best.folder.slice(outdir.length + 1), seconds: median(times) };
}

export interface BenchOptions {
  readonly sizes: readonly number[];
  /** Runs per size (the median is reported): a function of N. */
  readonly runs: (n: number) => number;
  /** Path of the built entry (`build/lib/tools/bench/benchmark.js`), re-run as child processes. */
  readonly entry: string;
  /** Where the generated tenants and the outputs go. */
  readonly scratch: string;
}

/**
 * The scratch folder: a tmpfs (`/dev/shm`) where there is one, so that the figures measure the program and
 * not the noise of a shared disk (synth and floor write the same files to the same place either way).
 */
export function defaultScratch(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no tmpfs: the system's temporary folder
  }
  return tmpdir();
}

/** Parent side: measures every size and returns the rows and the kustomize figure. */
export function runBench(options: BenchOptions, log: (line: string) => void) {
  const work = mkdtempSync(join(options.scratch, 'clearml-tenancy-bench-'));
  try {
    const rows: Row[] = [];
    let kustomize: ReturnType<typeof kustomizeLargest> | undefined;
    for (const n of options.sizes) {
      const tenantsDir = generateTenants(n, join(work, `tenants-${n}`));
      const synth: Sample[] = [];
      const floor: Sample[] = [];
      // Every run writes into a folder of its own, removed afterwards (not timed): the figures are of
      // writing the output, not of deleting a previous one.
      const last = options.runs(n) - 1;
      const checks = new Map<Check, CheckSample[]>(CHECKS.map((c) => [c, []]));
      for (let i = 0; i <= last; i++) {
        const out = join(work, `out-${n}-${i}`);
        synth.push(sampleInChild(options.entry, 'synth', n, tenantsDir, out));
        const floorOut = join(work, `floor-${n}-${i}`);
        floor.push(sampleInChild(options.entry, 'floor', n, tenantsDir, floorOut));
        rmSync(floorOut, { recursive: true, force: true });
        for (const c of CHECKS) checks.get(c)!.push(checkInChild(options.entry, c, out));
        if (i < last || n !== Math.max(...options.sizes)) rmSync(out, { recursive: true, force: true });
      }
      if (synth.some((s) => s.objects !== floor[0].objects)) throw new Error(`N=${n}: synth wrote ${synth[0].objects} objects, the floor ${floor[0].objects}`);
      const row: Row = {
        n,
        objects: synth[0].objects,
        files: synth[0].files,
        synthSeconds: median(synth.map((s) => s.seconds)),
        floorSeconds: median(floor.map((s) => s.seconds)),
        peakMiB: Math.max(...synth.map((s) => s.peakMiB)),
        checks: Object.fromEntries(
          CHECKS.map((c) => {
            const samples = checks.get(c)!;
            return [c, { seconds: median(samples.map((x) => x.seconds)), code: Math.max(...samples.map((x) => x.code)) }];
          }),
        ) as Record<Check, CheckSample>,
      };
      rows.push(row);
      log(`N=${n}: synth ${row.synthSeconds.toFixed(3)} s, floor ${row.floorSeconds.toFixed(3)} s, ${CHECKS.map((c) => `${c} ${row.checks[c].seconds.toFixed(3)} s (exit ${row.checks[c].code})`).join(', ')} (${synth.length} runs each)`);
      if (n === Math.max(...options.sizes)) kustomize = kustomizeLargest(join(work, `out-${n}-${last}`), 3);
    }
    return { rows, kustomize };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The report: the table, the growth ratios and the targets of issue 8. */
export function report(result: ReturnType<typeof runBench>): { text: string; met: boolean } {
  const { rows, kustomize } = result;
  const at = (n: number) => rows.find((r) => r.n === n);
  const lines = [
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`,
    '',
    '| N tenants | objects | files | synth s | floor s | synth/floor | peak MiB |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n} | ${r.objects} | ${r.files} | ${r.synthSeconds.toFixed(3)} | ${r.floorSeconds.toFixed(3)} | ${(r.synthSeconds / r.floorSeconds).toFixed(2)} | ${r.peakMiB.toFixed(0)} |`),
    '',
    'Checks on the synthesized output (seconds; exit code; ratio to the synth of the same tree):',
    '',
    '| N tenants | synth s | validate s | check:isolation s | lint:policies s |',
    '|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n} | ${r.synthSeconds.toFixed(3)} | ${CHECKS.map((c) => `${r.checks[c].seconds.toFixed(3)} (exit ${r.checks[c].code}; ${(r.checks[c].seconds / r.synthSeconds).toFixed(2)}x)`).join(' | ')} |`),
    '',
  ];
  const checks: Array<[string, boolean]> = [];
  const r100 = at(100);
  const r1000 = at(1000);
  const r3000 = at(3000);
  if (r100 && r1000) {
    const g = r1000.synthSeconds / r100.synthSeconds;
    lines.push(`growth time(1000)/time(100): ${g.toFixed(2)} (target <= 11)`);
    checks.push(['linear growth 100 -> 1000', g <= 11]);
  }
  if (r1000 && r3000) {
    const g = r3000.synthSeconds / r1000.synthSeconds;
    lines.push(`growth time(3000)/time(1000): ${g.toFixed(2)} (target < 3)`);
    checks.push(['3000 tenants in under 3x the time of 1000', g < 3]);
  }
  for (const r of [r1000, r3000]) {
    if (r) checks.push([`synth/floor <= 2.0 at ${r.n}`, r.synthSeconds / r.floorSeconds <= 2.0]);
  }
  if (r3000) checks.push(['peak memory < 512 MiB at 3000', r3000.peakMiB < 512]);
  const names: Record<Check, string> = { validate: 'validate', isolation: 'check:isolation', lint: 'lint:policies' };
  for (const c of CHECKS) {
    for (const r of rows) checks.push([`${names[c]} reaches its verdict (exit 0) at ${r.n}`, r.checks[c].code === 0]);
    for (const r of [r1000, r3000]) if (r) checks.push([`${names[c]} <= synth at ${r.n} (${(r.checks[c].seconds / r.synthSeconds).toFixed(2)}x)`, r.checks[c].seconds <= r.synthSeconds]);
    if (r1000 && r3000) {
      const g = r3000.checks[c].seconds / r1000.checks[c].seconds;
      lines.push(`${names[c]} growth time(3000)/time(1000): ${g.toFixed(2)} (target < 3.5)`);
      checks.push([`${names[c]} grows linearly 1000 -> 3000 (${g.toFixed(2)} < 3.5)`, g < 3.5]);
    }
  }
  if (kustomize) {
    lines.push(
      kustomize.seconds !== undefined
        ? `largest folder Flux builds at N=${Math.max(...rows.map((r) => r.n))}: ${kustomize.folder} (${(kustomize.bytes / 1024).toFixed(1)} KiB), kubectl kustomize ${kustomize.seconds.toFixed(3)} s (target < 0.5 s)`
        : `largest folder: ${kustomize.folder}; ${kustomize.note}`,
    );
    if (kustomize.seconds !== undefined && r3000) checks.push(['largest Flux folder builds in < 0.5 s at 3000', kustomize.seconds < 0.5]);
  }
  lines.push('', ...checks.map(([what, ok]) => `${ok ? 'met    ' : 'MISSED '} ${what}`));
  return { text: lines.join('\n'), met: checks.every(([, ok]) => ok) };
}

/** `node build/lib/tools/bench/benchmark.js [--ci] [--sizes 10,100] [--runs K] [--json FILE] [--scratch DIR]` */
export function main(argv: readonly string[], base: PlatformProps): number {
  if (argv[0] === '--check') {
    process.stdout.write(`${JSON.stringify(runCheckSample(argv[1] as Check, argv[2]))}\n`);
    return 0;
  }
  if (argv[0] === '--sample') {
    const [, mode, n, tenantsDir, outdir] = argv;
    process.stdout.write(`${JSON.stringify(runSample(mode as 'synth' | 'floor', Number(n), tenantsDir, outdir, base))}\n`);
    return 0;
  }
  if (argv.includes('--diff')) return require('./diff-bench').diffBenchMain(argv, base); // the diff's benchmark (lib/tools/bench/diff-bench.ts)
  const ci = argv.includes('--ci');
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (opt('--sizes') ?? (ci ? '10,100' : '10,100,1000,3000')).split(',').map(Number);
  const fixedRuns = opt('--runs');
  const scratch = opt('--scratch') ?? defaultScratch();
  process.stderr.write(`scratch folder: ${scratch}\n`);
  const result = runBench(
    { sizes, runs: (n) => (fixedRuns ? Number(fixedRuns) : ci ? 1 : n >= 1000 ? 3 : 5), entry: __filename, scratch },
    (line) => process.stderr.write(`${line}\n`),
  );
  const { text, met } = report(result);
  process.stdout.write(`${text}\nscratch folder (tenant files and outputs): ${scratch}\n`);
  const json = opt('--json');
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  // In CI the benchmark only has to run (small N, no targets); a full run reports what it missed.
  return ci || met ? 0 : 1;
}

if (require.main === module) {
  // The platform of main.ts (its module does not synthesize when required).
  const { platform } = require('../../../main') as { platform: PlatformProps };
  process.exitCode = main(process.argv.slice(2), platform);
}


