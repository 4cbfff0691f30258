/**
 * The README shows the reachability matrix of the committed dist/; this keeps it true.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as checkIsolation } from '../lib/analysis/check-isolation';

const ROOT = join(__dirname, '..');

test('the README matrix is the one check:isolation prints for the committed dist/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  try {
    const file = join(dir, 'matrix.md');
    const silent = { out: () => undefined, err: () => undefined };
    expect(checkIsolation([join(ROOT, 'dist'), '--markdown', file], silent)).toBe(0);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- isolation-matrix:start -->\n([\s\S]*?)\n<!-- isolation-matrix:end -->/.exec(readme);
    expect(block).not.toBeNull();
    // When this fails: npm run check:isolation -- --markdown /tmp/m.md, and paste the table into README.md.
    expect(block![1]).toBe(readFileSync(file, 'utf8').trimEnd());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
