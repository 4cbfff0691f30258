/**
 * synth warns when its output folder sits in a Git checkout at another path than gitops.path (the GitOps
 * objects would name folders that are not there); lib/output/repository-path.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitCheckoutOf, repositoryPathWarnings } from '../../lib/output/repository-path';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'repo-path-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('outside a Git checkout: nothing to compare, no warning', () => {
  expect(gitCheckoutOf(join(root, 'out'))).toBeUndefined();
  expect(repositoryPathWarnings(join(root, 'out'), './dist')).toEqual([]);
});

test('in a checkout: no warning where the path matches (with or without ./ and a trailing /, at any depth)', () => {
  mkdirSync(join(root, 'fleet', '.git'), { recursive: true });
  expect(gitCheckoutOf(join(root, 'fleet', 'clearml', 'deeper'))).toBe(join(root, 'fleet'));
  expect(repositoryPathWarnings(join(root, 'fleet', 'clearml'), './clearml')).toEqual([]);
  expect(repositoryPathWarnings(join(root, 'fleet', 'clearml'), 'clearml/')).toEqual([]);
  expect(repositoryPathWarnings(join(root, 'fleet', 'apps', 'clearml'), './apps/clearml')).toEqual([]);
  expect(repositoryPathWarnings(join(root, 'fleet'), '.')).toEqual([]);
});

test('a warning naming where the output is, the path the objects name, and the setting to use', () => {
  mkdirSync(join(root, 'fleet'));
  writeFileSync(join(root, 'fleet', '.git'), 'gitdir: elsewhere\n'); // a worktree's .git is a file
  expect(repositoryPathWarnings(join(root, 'fleet', 'clearml'), './dist')).toEqual([
    `warning: the output is clearml/ of the Git checkout ${join(root, 'fleet')}, but gitops.path is ./dist: the GitOps objects name their folders ./dist/..., which is not where they are; set gitops.path: './clearml' in the platform props (or write the output into dist/)`,
  ]);
  expect(repositoryPathWarnings(join(root, 'fleet'), './dist')[0]).toMatch(/^warning: the output is the top of the Git checkout .*set gitops.path: '\.\/' in the platform props \(or write the output into dist\/\)$/);
});
