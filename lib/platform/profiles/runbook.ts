/**
 * The `runbook` profile: the install runbook's values, which are the built-in defaults of
 * lib/platform/platform.ts. It adds nothing, so its output is what the product wrote before profiles.
 */
import type { ProfileDefinition } from './profile';

export const runbookProfile: ProfileDefinition = {
  description: "the install runbook's values (ClearML's page before its May 2025 rewrite)",
  defaults: () => ({}),
};
