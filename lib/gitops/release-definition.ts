/** The description of a release: moved to lib/flavors/release-definition.ts (the input every flavor renders from). */
export * from '../flavors/release-definition';
