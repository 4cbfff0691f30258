import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputDir, runSynth } from '../lib/cli';
import { MINIMAL_PLATFORM } from './helpers';

const ROOT = join(__dirname, '..');

describe('outputDir', () => {
  test('--out, -o, CDK8S_OUTDIR, then dist', () => {
    expect(outputDir(['--out', 'x'], {})).toBe('x');
    expect(outputDir(['-o', 'y'], { CDK8S_OUTDIR: 'z' })).toBe('y');
    expect(outputDir([], { CDK8S_OUTDIR: 'z' })).toBe('z');
    expect(outputDir([], {})).toBe('dist');
  });

  test('fails when --out has no folder', () => {
    expect(() => outputDir(['--out'], {})).toThrow(/--out needs a folder/);
  });
});

describe('runSynth', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('fails on bad input with every problem, exit 1, and leaves the output folder as it was', () => {
    // GIVEN an output folder with content
    const out = join(dir, 'dist');
    cpSync(join(ROOT, 'dist'), out, { recursive: true });
    writeFileSync(join(out, 'marker'), 'keep me');
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // WHEN synth runs on props with two problems
      const code = runSynth({ platform: { ...MINIMAL_PLATFORM, baseDomain: 'bad domain', server: { supervisor: { email: 'x' } } } }, ['--out', out]);
      // THEN
      expect(code).toBe(1);
      const printed = err.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toMatch(/nothing was written/);
      expect(printed).toMatch(/baseDomain: "bad domain": must be a lower-case DNS name/);
      expect(printed).toMatch(/server\.supervisor\.email: "x": must be an e-mail address/);
      expect(readFileSync(join(out, 'marker'), 'utf8')).toBe('keep me');
    } finally {
      err.mockRestore();
    }
  });

  test('the built app writes the same tree twice (deterministic) and equals the committed dist/', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    execFileSync('node', [join(ROOT, 'build', 'main.js'), '--out', a], { cwd: ROOT });
    execFileSync('node', [join(ROOT, 'build', 'main.js')], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: b } });
    const diff = spawnSync('diff', ['-r', a, b], { encoding: 'utf8' });
    expect(diff.stdout).toBe('');
    const committed = spawnSync('diff', ['-r', join(ROOT, 'dist'), a], { encoding: 'utf8' });
    expect(committed.stdout).toBe('');
  });
});
