/**
 * The one loader of the in-cluster programs' text, which synth embeds in ConfigMaps:
 * - `bootstrap` and `mig-setup` (JavaScript): at synth time this module runs from `build/lib/programs/` and
 *   the program is the bundle `scripts/build.mjs` wrote there (`<dir>/<name>.js`, one self-contained file,
 *   see `bundle.ts`). When this module runs from `lib/programs/` (Jest), the program is bundled here from
 *   its TypeScript sources with the same bundler and swc options (`scripts/swc-options.json`), which gives
 *   the same text; tests therefore never read a stale or half-written `build/`.
 * - `upload-apps` (Python): the file `apps/upload-apps.py`, which `scripts/build.mjs` copies to `build/`.
 * Each text is read once per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRAMS, ProgramName, bundleProgram } from './bundle';

export { PROGRAMS };
export type { ProgramName };

const texts = new Map<ProgramName, string>();

/** The text of a program; throws, saying how to build it, when it is missing. */
export function programText(name: ProgramName): string {
  let text = texts.get(name);
  if (text === undefined) {
    text = load(name);
    texts.set(name, text);
  }
  return text;
}

function load(name: ProgramName): string {
  const { dir, file } = PROGRAMS[name];
  const sibling = join(__dirname, dir, file);
  const source = join(__dirname, dir, file.replace(/\.js$/, '.ts'));
  // From lib/ (Jest) a JavaScript program has its .ts source beside it: bundle it from there.
  if (file.endsWith('.js') && existsSync(source)) return bundleProgram(source, join(__dirname, '..'), transpile);
  if (existsSync(sibling)) return readFileSync(sibling, 'utf8');
  throw new Error(`The ${name} program is missing: neither ${sibling} nor ${source} exists. Run \`node scripts/build.mjs\` to build it.`);
}

/** swc with the options of `scripts/build.mjs` (both read `scripts/swc-options.json`). */
function transpile(file: string): string {
  // Only needed when running from the TypeScript sources; synth from build/ never loads swc.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as { transformFileSync(file: string, options: Record<string, unknown>): { code: string } };
  const options = JSON.parse(readFileSync(join(__dirname, '..', '..', 'scripts', 'swc-options.json'), 'utf8')) as Record<string, unknown>;
  return swc.transformFileSync(file, options).code;
}
