/**
 * The built JavaScript text of `mig-setup.ts`, which synth embeds in the MIG setup ConfigMap.
 *
 * At synth time this module runs from `build/` and the program is its sibling `mig-setup.js`. Under Jest
 * this module runs from `lib/` and the program is read from `<repo>/build/` (tests run
 * `node scripts/build.mjs` first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** File name of the program in the ConfigMap and in the container. */
export const MIG_SETUP_SCRIPT_FILE = 'mig-setup.js';

export function migSetupScript(): string {
  const candidates = [join(__dirname, MIG_SETUP_SCRIPT_FILE), resolve(__dirname, '../../../build/lib/platform/mig', MIG_SETUP_SCRIPT_FILE)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`The MIG setup program is not built: none of ${candidates.join(', ')} exists. Run \`node scripts/build.mjs\` first.`);
  }
  return readFileSync(found, 'utf8');
}
