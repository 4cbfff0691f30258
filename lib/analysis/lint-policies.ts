/**
 * `npm run lint:policies [-- DIR]`: runs the policy linter (policy-lint.ts) over every object of a folder
 * (`dist/` by default), with the tenant label of the folder's facts file (platform-facts.ts), and fails
 * (exit 1) with one line per finding.
 */
import { Output, parseArguments } from './check-isolation';
import { loadManifests } from './manifests';
import { readPlatformFacts } from './platform-facts';
import { formatFinding, LINT_RULES, lintObjects, WAIVE_ANNOTATION, WAIVE_REASON_ANNOTATION } from './policy-lint';

const STDIO: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const USAGE = `usage: lint-policies [DIR] [--rules]
  DIR      folder of YAML files to lint (default: dist)
  --rules  list the rules and exit
Waive rules for one object with the annotations ${WAIVE_ANNOTATION}: rule-a,rule-b and ${WAIVE_REASON_ANNOTATION}: <why>.
`;

/** Runs the linter; returns the exit code (0 clean, 1 findings or unreadable files, 2 bad usage). */
export function main(argv: readonly string[], io: Output = STDIO): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const parsed = parseArguments(argv, ['--rules'], []);
  if (!parsed.args) {
    io.err(`lint-policies: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  if (parsed.args.rules) {
    for (const [rule, text] of Object.entries(LINT_RULES)) io.out(`${rule}: ${text}\n`);
    return 0;
  }
  const dir = parsed.args.dir as string;
  let loaded;
  try {
    loaded = loadManifests(dir);
  } catch (e) {
    io.err(`lint-policies: cannot read folder "${dir}": ${(e as Error).message}\n`);
    return 2;
  }
  const { facts, problems: factProblems } = readPlatformFacts(dir);
  const lines = [
    ...loaded.problems.map((p) => `cannot read: ${p}`),
    ...factProblems.map((p) => `cannot read: ${p}`),
    ...(facts ? lintObjects(loaded.manifests, facts).map(formatFinding) : []),
  ];
  if (lines.length > 0) {
    io.err(`${lines.join('\n')}\nlint-policies: ${lines.length} finding${lines.length === 1 ? '' : 's'} in ${dir}\n`);
    return 1;
  }
  io.out(`lint-policies: ${loaded.manifests.length} objects in ${dir}, no findings\n`);
  return 0;
}
