import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputDir, runSynth } from '../lib/cli';
import { COMMANDS } from '../lib/cli-commands';
import { filesBelow } from '../lib/output/write-tree';
import { MINIMAL_PLATFORM, captureCliRuns } from './helpers';

const ROOT = join(__dirname, '..');

describe('outputDir', () => {
  test('--out, -o, CDK8S_OUTDIR, then dist', () => {
    expect(outputDir(['--out', 'x'], {})).toBe('x');
    expect(outputDir(['-o', 'y'], { CDK8S_OUTDIR: 'z' })).toBe('y');
    expect(outputDir([], { CDK8S_OUTDIR: 'z' })).toBe('z');
    expect(outputDir([], {})).toBe('dist');
  });

  test('fails when --out has no folder', () => {
    expect(() => outputDir(['--out'], {})).toThrow(/--out needs a value \(DIR\); see `npm run synth -- --help`/);
  });

  test('fails when --out is followed by another option instead of its folder', () => {
    expect(() => outputDir(['--out', '--profile', 'current'], {})).toThrow(/--out needs a value \(DIR\), got the option --profile; see/);
    expect(() => outputDir(['--profile', '--out', 'x'], {})).toThrow(/--profile needs a value \(NAME\), got the option --out; see/);
    expect(outputDir(['--out=--odd'], {})).toBe('--odd');
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

describe('runSynth and its output folder', () => {
  const { dir, out, err } = captureCliRuns('cli-out-');
  const tenant = (name: string, port: number) => ({ name, admin: { name: 'A', email: `a@${name}.example` }, sessions: { startingPort: port } });
  const snapshot = (folder: string) => filesBelow(folder).map((f) => [f, readFileSync(join(folder, f), 'utf8')]);

  test('fails when --out is a git repository with its own files: exit 1, the folder and files named, every file and .git intact', () => {
    // GIVEN a Flux repository
    const fleet = join(dir(), 'fleet');
    mkdirSync(join(fleet, 'clusters'), { recursive: true });
    execFileSync('git', ['init', '-q', fleet]);
    writeFileSync(join(fleet, 'README.md'), '# fleet\n');
    writeFileSync(join(fleet, 'clusters', 'prod.yaml'), 'kind: Kustomization\n');
    const before = snapshot(fleet);
    // WHEN
    const code = runSynth({ platform: MINIMAL_PLATFORM }, ['--out', fleet]);
    // THEN
    expect(code).toBe(1);
    expect(err.join('')).toMatch(new RegExp(`refusing to write into ${fleet}: .*It holds \\.git/, README\\.md, clusters/; synth would write ARCHITECTURE\\.md`));
    expect(snapshot(fleet)).toEqual(before);
    expect(existsSync(join(fleet, '.git', 'HEAD'))).toBe(true);
  });

  test('fails when CDK8S_OUTDIR is a folder synth did not write: exit 1, nothing changed', () => {
    const folder = join(dir(), 'other');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep.txt'), 'keep');
    process.env.CDK8S_OUTDIR = folder;
    try {
      expect(runSynth({ platform: MINIMAL_PLATFORM }, [])).toBe(1);
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
    expect(err.join('')).toMatch(/refusing to write into .*other: .*keep\.txt/);
    expect(readdirSync(folder)).toEqual(['keep.txt']);
  });

  test('fails when --out is the project itself: exit 1, main.ts and tenants/ intact', () => {
    const project = join(dir(), 'project');
    mkdirSync(join(project, 'tenants'), { recursive: true });
    writeFileSync(join(project, 'main.ts'), '// the platform\n');
    writeFileSync(join(project, 'tenants', 'acme.yaml'), 'name: acme\n');
    const cwd = process.cwd();
    process.chdir(project);
    try {
      expect(runSynth({ platform: MINIMAL_PLATFORM }, ['--out', '.'])).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    expect(err.join('')).toMatch(/refusing to write into \.: .*main\.ts, tenants\//);
    expect(snapshot(project)).toEqual([['main.ts', '// the platform\n'], ['tenants/acme.yaml', 'name: acme\n']]);
  });

  test('writes into an empty folder, updates it the next time, keeps a file the user added, and says what changed', () => {
    // GIVEN an empty folder
    const target = join(dir(), 'clearml');
    mkdirSync(target);
    // WHEN synth writes there twice, a tenant added and a user file put in between
    expect(runSynth({ platform: MINIMAL_PLATFORM, tenants: [tenant('alpha', 31010)] }, ['--out', target])).toBe(0);
    expect(out.join('')).toMatch(/^synth: .*clearml: tenants: 1 added \(alpha\), 0 changed, 0 removed \(1 in all\); \d+ files written, 0 files removed\n$/);
    expect(existsSync(join(target, 'tenants', 'alpha'))).toBe(true);
    writeFileSync(join(target, 'NOTES.md'), 'mine');
    out.length = 0;
    expect(runSynth({ platform: MINIMAL_PLATFORM, tenants: [tenant('beta', 31020)] }, ['--out', target, '--allow-removal', 'alpha'])).toBe(0);
    // THEN the output is updated, alpha's files are gone, the user's file stays
    expect(out.join('')).toMatch(/tenants: 1 added \(beta\), 0 changed, 1 removed \(alpha\) \(1 in all\); \d+ files written, [1-9]\d* files? removed\n/);
    expect(existsSync(join(target, 'tenants', 'alpha'))).toBe(false);
    expect(existsSync(join(target, 'tenants', 'beta', 'workloads', 'agent.yaml'))).toBe(true);
    expect(readFileSync(join(target, 'NOTES.md'), 'utf8')).toBe('mine');
    // AND a changed tenant is reported as changed
    out.length = 0;
    expect(runSynth({ platform: MINIMAL_PLATFORM, tenants: [{ ...tenant('beta', 31020), allowedUsers: 3 }] }, ['--out', target])).toBe(0);
    expect(out.join('')).toMatch(/tenants: 0 added, 1 changed \(beta\), 0 removed/);
  });
});

describe('every command answers --help and names an unknown option', () => {
  const scripts: Record<string, string[]> = {
    synth: ['build/main.js'],
    'tenant:new': ['scripts/tenant-new.mjs'],
    validate: ['scripts/validate.mjs'],
    'check:isolation': ['scripts/check-isolation.mjs'],
    'lint:policies': ['scripts/lint-policies.mjs'],
    bench: ['scripts/bench.mjs'],
    schema: ['scripts/schema.mjs'],
    import: ['scripts/import.mjs'],
    diff: ['scripts/diff.mjs'],
  };

  test('each npm script of package.json is described', () => {
    const npm = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts).filter((s) => !['build', 'typecheck', 'test'].includes(s));
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(npm.sort());
    expect(Object.keys(scripts).sort()).toEqual(npm.sort());
  });

  test.each(Object.entries(scripts))('%s --help prints its usage and exits 0', (name, args) => {
    const run = spawnSync(process.execPath, [...args, '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`usage: npm run ${name} --`);
    expect(run.stdout).toContain('--help');
  });

  test.each(Object.entries(scripts))('fails when %s gets an unknown option: it names it and points to --help, exit 1', (name, args) => {
    const run = spawnSync(process.execPath, [...args, '--no-such-option'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${name}: unknown option --no-such-option; see \`npm run ${name} -- --help\`\n`);
  });
});
