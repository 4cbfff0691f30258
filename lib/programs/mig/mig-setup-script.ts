/**
 * The MIG setup program's text for the MIG setup ConfigMap: the one program loader (`../program-text.ts`)
 * under the names its construct imports.
 */
import { PROGRAMS, programText } from '../program-text';

/** File name of the program in the ConfigMap and in the container. */
export const MIG_SETUP_SCRIPT_FILE = PROGRAMS['mig-setup'].file;

export function migSetupScript(): string {
  return programText('mig-setup');
}
