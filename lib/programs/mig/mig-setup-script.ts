/**
 * The built JavaScript text of `mig-setup.ts`, which synth embeds in the MIG setup ConfigMap.
 *
 * At synth time this module runs from `build/` and the program is its sibling `mig-setup.js`, written by
 * `node scripts/build.mjs`. When this module runs from `lib/` (Jest), the sibling is `mig-setup.ts`: it
 * is transpiled here with the options of `scripts/build.mjs`, which gives the same text. Tests therefore
 * never rebuild `build/` (which `npm test` builds once, and other tests run from), and never read a stale
 * or half-written copy of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** File name of the program in the ConfigMap and in the container. */
export const MIG_SETUP_SCRIPT_FILE = 'mig-setup.js';

export function migSetupScript(): string {
  const built = join(__dirname, MIG_SETUP_SCRIPT_FILE);
  if (existsSync(built)) return readFileSync(built, 'utf8');
  const source = join(__dirname, 'mig-setup.ts');
  if (existsSync(source)) return transpile(source);
  throw new Error(`The MIG setup program is missing: neither ${built} nor ${source} exists. Run \`node scripts/build.mjs\` to build it.`);
}

/** swc with the options of `scripts/build.mjs` (keep them equal). */
function transpile(file: string): string {
  // Only needed when running from the TypeScript sources; synth from build/ never loads swc.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as { transformFileSync(file: string, options: Record<string, unknown>): { code: string } };
  return swc.transformFileSync(file, {
    swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
    sourceMaps: false,
  }).code;
}
