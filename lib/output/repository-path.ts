/**
 * Whether the output folder sits where the GitOps objects say it does. Flux Kustomizations and Argo CD
 * Applications name each folder by its path in the Git repository (`gitops.path`, e.g. `./dist`); synth into
 * another folder of a repository (`--out ../fleet/clearml`) and those paths point nowhere, which no check of
 * the output itself can see. So when the output folder is inside a Git checkout, its path there is compared
 * with `gitops.path` and a difference is a warning line of synth's summary.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The Git checkout holding `dir` (the nearest folder above it with a `.git`), if any. */
export function gitCheckoutOf(dir: string): string | undefined {
  let at = resolve(dir);
  for (;;) {
    if (existsSync(join(at, '.git'))) return at;
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}

/** The warning for an output folder whose path in its Git checkout is not `gitopsPath`; none when it is, or outside a checkout. */
export function repositoryPathWarnings(outdir: string, gitopsPath: string): string[] {
  const checkout = gitCheckoutOf(outdir);
  if (checkout === undefined) return [];
  const where = relative(checkout, resolve(outdir)).split(sep).join('/');
  const want = gitopsPath === '.' || gitopsPath === './' ? '' : gitopsPath.replace(/^\.\//, '').replace(/\/+$/, '');
  if (where === want) return [];
  const here = where === '' ? 'the top' : `${where}/`;
  return [`warning: the output is ${here} of the Git checkout ${checkout}, but gitops.path is ${gitopsPath}: the GitOps objects name their folders ${gitopsPath}/..., which is not where they are; set gitops.path: './${where}' in the platform props (or write the output into ${want === '' ? 'the top' : `${want}/`})`];
}
