/**
 * The tests' own input: tenant files and platform props under test/fixtures/, never the user's
 * `tenants/` or `main.ts`. A missing fixture is a failure that names the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/** The tests' tenant files (acme, globex, initech), in the format of `tenants/`. */
export const FIXTURE_TENANTS_DIR = join(FIXTURES_DIR, 'tenants');

/** The names of the fixture tenants, sorted. */
export const FIXTURE_TENANT_NAMES = ['acme', 'globex', 'initech'] as const;

/** The text of a fixture file; throws naming the file when it is missing. */
export function readFixture(relative: string): string {
  const file = join(FIXTURES_DIR, relative);
  if (!existsSync(file)) throw new Error(`test fixture missing: ${file} (expected in the repository under test/fixtures/)`);
  return readFileSync(file, 'utf8');
}

/** A JSON fixture, parsed; throws naming the file when it is missing or is not JSON. */
export function readJsonFixture<T = any>(relative: string): T {
  const text = readFixture(relative);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`test fixture ${join(FIXTURES_DIR, relative)} is not JSON: ${(e as Error).message}`);
  }
}
