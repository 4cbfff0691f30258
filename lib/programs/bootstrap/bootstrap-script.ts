/**
 * The built bootstrap program (`build/lib/programs/bootstrap/bootstrap.js`) as text, for synth to embed in the Job's
 * ConfigMap. The program is embedded as built by `node scripts/build.mjs` (deterministic swc output), so the
 * ConfigMap holds exactly the file that the tests run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built program can be: next to this module when it runs from build/, else build/ of the repo. */
export function bootstrapProgramCandidates(): string[] {
  return [join(__dirname, 'bootstrap.js'), join(__dirname, '..', '..', '..', 'build', 'lib', 'programs', 'bootstrap', 'bootstrap.js')];
}

/** The text of the built bootstrap program; throws, saying how to build it, when it is missing. */
export function bootstrapProgramText(): string {
  const candidates = bootstrapProgramCandidates();
  for (const file of candidates) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // try the next location
    }
  }
  throw new Error(`The built bootstrap program is missing (looked for ${candidates.join(' and ')}); run \`node scripts/build.mjs\` first`);
}
