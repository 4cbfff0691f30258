/**
 * The `runbook` profile: the install runbook's values, which are the built-in defaults of
 * lib/platform/platform.ts. It adds nothing, so its output is what the product wrote before profiles.
 */
import type { ProfileDefaults } from './profile';

export function runbookProfileDefaults(): ProfileDefaults {
  return {};
}
