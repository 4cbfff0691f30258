/**
 * Every GitOps flavor is one folder of lib/flavors/: nothing else in lib/ compares flavor names. What
 * differs between flavors is asked of the flavor object (capabilities, checks, renderers, grouping).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GITOPS_FLAVORS } from '../../lib/flavors/index';

const LIB = join(__dirname, '..', '..', 'lib');

function sourcesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === join(LIB, 'flavors') ? [] : sourcesBelow(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** A comparison with a flavor name, or a `case` on one: `x === 'flux'`, `'k3s' !== y`, `case "argocd":`. */
function branchPattern(names: readonly string[]): RegExp {
  const name = `['"\`](?:${names.join('|')})['"\`]`;
  return new RegExp(`(?:[!=]==?\\s*${name})|(?:${name}\\s*[!=]==?)|(?:\\bcase\\s+${name})`);
}

/** Lines of lib/ (outside lib/flavors/) that branch on a flavor name, as `<file>:<line>: <text>`. */
function flavorBranches(): string[] {
  const pattern = branchPattern(GITOPS_FLAVORS);
  return sourcesBelow(LIB).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`lib/${relative(LIB, file)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('flavor branches', () => {
  test('the pattern finds comparisons and cases on a flavor name, and not other uses of the word', () => {
    const pattern = branchPattern(GITOPS_FLAVORS);
    for (const line of ["if (platform.gitops === 'flux') {", "settings.flavor !== 'k3s'", "'argocd' == flavor", 'case "k3s":', 'x === `argocd`']) expect(pattern.test(line)).toBe(true);
    for (const line of ["containerd?: 'default' | 'k3s' | 'microk8s';", "const name = 'flux';", "['default', 'k3s'].includes(c)", "flavor === 'fluxcd'"]) expect(pattern.test(line)).toBe(false);
  });

  test('no file of lib/ outside lib/flavors/ branches on a flavor name', () => {
    expect(flavorBranches()).toEqual([]);
  });
});
