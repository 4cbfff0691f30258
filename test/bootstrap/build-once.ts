/**
 * Makes sure build/lib/bootstrap/bootstrap.js is current before a test synthesizes a TenantBootstrap (synth
 * embeds the built file). Builds with `node scripts/build.mjs` only when the built file is missing or older
 * than its sources, under a lock so that parallel Jest workers do not build at once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BUILT = join(ROOT, 'build', 'lib', 'bootstrap', 'bootstrap.js');
const SOURCES = [join(ROOT, 'lib', 'bootstrap', 'bootstrap.ts'), join(ROOT, 'lib', 'bootstrap', 'plan.ts')];

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function stale(): boolean {
  const built = mtime(BUILT);
  return built < 0 || SOURCES.some((s) => mtime(s) > built);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function ensureBootstrapBuilt(): void {
  if (!stale()) return;
  const lock = join(tmpdir(), `clearml-tenancy-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - started > 30_000) {
        rmdirSync(lock); // left behind by a killed run
        continue;
      }
      sleepSync(50);
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmdirSync(lock);
  }
}
