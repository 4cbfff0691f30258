/**
 * The diff's benchmark (issue 17): two trees of N tenants that differ in one tenant, the time of
 * `npm run diff` on them (read both trees, compare, assess) against the time of a synth of the same tree.
 * Run by `npm run bench -- --diff [--sizes N]` or `node scripts/bench-diff.mjs [N]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProps } from '../../platform/platform-props';
import { diffTrees } from '../diff/cli';
import { readTreeFromDir } from '../diff/tree';
import { synthesize } from '../../synth';
import { benchPlatform, generateTenants, tenantFile } from './benchmark';

export interface DiffBenchRow {
  readonly n: number;
  readonly synthSeconds: number;
  /** One tenant's allowedUsers changed (its plan and Job are renamed; no network-relevant change). */
  readonly changeSeconds: number;
  /** One tenant removed (network-relevant: both trees are evaluated by the isolation evaluator). */
  readonly removeSeconds: number;
  readonly changeRisks: string;
  readonly removeRisks: string;
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Measures the diff at N tenants (one run each; the synth is the one that makes the base tree). */
export function benchDiff(n: number, base: PlatformProps, log: (line: string) => void = () => {}): DiffBenchRow {
  const work = mkdtempSync(join(tmpdir(), 'bench-diff-'));
  try {
    const platform = benchPlatform(base, n);
    const tenantsDir = generateTenants(n, join(work, 'tenants'));
    const synthSeconds = seconds(() => synthesize({ platform, tenantsDir }, join(work, 'base')));
    log(`N=${n}: synth ${synthSeconds.toFixed(3)} s`);
    writeFileSync(join(tenantsDir, 't00001.yaml'), tenantFile(1).replace('allowedUsers: 25', 'allowedUsers: 30'));
    synthesize({ platform, tenantsDir }, join(work, 'changed'));
    rmSync(join(tenantsDir, 't00001.yaml'));
    synthesize({ platform, tenantsDir }, join(work, 'removed'));
    let changeRisks = '';
    let removeRisks = '';
    const changeSeconds = seconds(() => {
      changeRisks = diffTrees(readTreeFromDir(join(work, 'base')), readTreeFromDir(join(work, 'changed'))).assessment.risks.map((r) => r.kind).join(',');
    });
    const removeSeconds = seconds(() => {
      removeRisks = diffTrees(readTreeFromDir(join(work, 'base')), readTreeFromDir(join(work, 'removed'))).assessment.risks.map((r) => r.kind).join(',');
    });
    log(`N=${n}: diff (one tenant changed) ${changeSeconds.toFixed(3)} s [risks: ${changeRisks || 'none'}], diff (one tenant removed) ${removeSeconds.toFixed(3)} s [risks: ${removeRisks || 'none'}]`);
    return { n, synthSeconds, changeSeconds, removeSeconds, changeRisks, removeRisks };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `--diff [--sizes N,M]`: prints the table; returns the exit code (1 when a diff is not under the synth time). */
export function diffBenchMain(argv: readonly string[], base: PlatformProps): number {
  const i = argv.indexOf('--sizes');
  const sizes = i >= 0 ? argv[i + 1].split(',').map(Number) : argv.includes('--ci') ? [20] : [3000];
  const rows = sizes.map((n) => benchDiff(n, base, (l) => console.log(l)));
  console.log('\n| N tenants | synth s | diff s (one changed) | diff s (one removed) | diff/synth (worst) |\n|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.n} | ${r.synthSeconds.toFixed(3)} | ${r.changeSeconds.toFixed(3)} | ${r.removeSeconds.toFixed(3)} | ${(Math.max(r.changeSeconds, r.removeSeconds) / r.synthSeconds).toFixed(2)} |`);
  const met = rows.every((r) => Math.max(r.changeSeconds, r.removeSeconds) < r.synthSeconds);
  console.log(met ? 'target met: the diff is under the synth time' : 'target NOT met: a diff took longer than the synth');
  return met ? 0 : 1;
}
