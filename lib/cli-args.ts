/**
 * The one argument parser of every command (`synth`, `tenant:new`, `validate`, `check:isolation`,
 * `lint:policies`, `bench`, `schema`, `import`): each describes its options once, and gets `--help`
 * (usage, exit 0), and an error naming any unknown option and pointing to `--help` (exit 1).
 *
 * Options are `--name VALUE`, `--name=VALUE` or a flag `--name`; anything not starting with `-` is a
 * positional argument; `--` ends the options.
 */

/** One option of a command. */
export interface CliOption {
  /** The option, with its dashes: `--out`. */
  readonly name: string;
  /** Other spellings, e.g. `-o`. @default - none */
  readonly aliases?: readonly string[];
  /** The value's name in the usage (`DIR`); absent: a flag without value. @default - a flag */
  readonly value?: string;
  /** One line for the usage. */
  readonly description: string;
}

/** A command and its options. */
export interface CliCommand {
  /** The npm script, e.g. `synth` (shown as `npm run synth -- ...`). */
  readonly name: string;
  /** What the command does, one line. */
  readonly summary: string;
  /** The positional arguments in the usage line, e.g. `[DIR]`. @default - none */
  readonly positionals?: string;
  /** Most positional arguments. @default 0 */
  readonly maxPositionals?: number;
  /** Its options (`--help` is added). */
  readonly options: readonly CliOption[];
  /** More lines after the options (defaults, environment). @default - none */
  readonly notes?: readonly string[];
}

/** A wrong command line; the message names the problem and points to `--help`. */
export class UsageError extends Error {}

/** The parsed command line. */
export interface ParsedArgs {
  /** `--help` or `-h` was given. */
  readonly help: boolean;
  /** Values by the option's name (`--out`), every occurrence in order; flags have `''`. */
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

const HELP: CliOption = { name: '--help', aliases: ['-h'], description: 'print this usage and exit' };

/** The last value of an option, or `undefined`. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}

/** Whether an option (a flag) was given. */
export function hasOption(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

/** The usage text of a command. */
export function usageText(command: CliCommand): string {
  const options = [...command.options, HELP];
  const spelled = options.map((o) => [[o.name, ...(o.aliases ?? [])].join(', ') + (o.value ? ` ${o.value}` : ''), o.description]);
  const width = Math.max(...spelled.map(([s]) => s.length));
  return [
    `usage: npm run ${command.name} --${command.positionals ? ` ${command.positionals}` : ''} [options]`,
    '',
    command.summary,
    '',
    'options:',
    ...spelled.map(([s, d]) => `  ${s.padEnd(width)}  ${d}`),
    ...(command.notes && command.notes.length > 0 ? ['', ...command.notes] : []),
    '',
  ].join('\n');
}

function seeHelp(command: CliCommand): string {
  return `see \`npm run ${command.name} -- --help\``;
}

/**
 * Parses `argv` for `command`, collecting every mistake (unknown options, missing or unexpected values, extra
 * arguments) instead of stopping at the first: `problems` holds one message per mistake, each naming the
 * command and the option; `args` holds everything that did parse.
 */
export function parseArgsAll(command: CliCommand, argv: readonly string[]): { readonly args: ParsedArgs; readonly problems: readonly string[] } {
  const byName = new Map<string, CliOption>();
  for (const o of [...command.options, HELP]) for (const n of [o.name, ...(o.aliases ?? [])]) byName.set(n, o);
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  const problems: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const spelled = eq >= 0 ? arg.slice(0, eq) : arg;
    const option = byName.get(spelled);
    if (!option) {
      problems.push(`${command.name}: unknown option ${spelled}`);
      continue;
    }
    if (option === HELP) {
      help = true;
      continue;
    }
    let value = '';
    if (option.value) {
      const next = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
      if (next === undefined || next === '') {
        problems.push(`${command.name}: ${spelled} needs a value (${option.value})`);
        continue;
      }
      // `--out --profile current`: the value is missing, not "--profile" (write `--out=--x` for such a value).
      if (eq < 0 && byName.has(next.split('=')[0])) {
        problems.push(`${command.name}: ${spelled} needs a value (${option.value}), got the option ${next.split('=')[0]}`);
        continue;
      }
      if (eq < 0) i++;
      value = next;
    } else if (eq >= 0) {
      problems.push(`${command.name}: ${spelled} takes no value`);
      continue;
    }
    options.set(option.name, [...(options.get(option.name) ?? []), value]);
  }
  if (!help && positionals.length > (command.maxPositionals ?? 0)) {
    const extra = positionals.slice(command.maxPositionals ?? 0);
    problems.push(`${command.name}: unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return { args: { help, options, positionals }, problems };
}

/** The message of one or more usage mistakes, ending with where the usage is. */
function usageMessage(command: CliCommand, problems: readonly string[]): string {
  return problems.length === 1 ? `${problems[0]}; ${seeHelp(command)}` : `${problems.join('\n')}\n${seeHelp(command)}`;
}

/** Parses `argv` for `command`; throws one {@link UsageError} naming every mistake (see {@link parseArgsAll}). */
export function parseArgs(command: CliCommand, argv: readonly string[]): ParsedArgs {
  const { args, problems } = parseArgsAll(command, argv);
  if (problems.length > 0 && !args.help) throw new UsageError(usageMessage(command, problems));
  return args;
}

/** Where a command prints. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs a command line: `--help` prints the usage (exit 0), a usage mistake prints its message (exit 1),
 * anything else runs `body` with the parsed arguments and returns its exit code.
 */
export function runCli(command: CliCommand, argv: readonly string[], body: (args: ParsedArgs) => number, io: CliIo = STDIO): number {
  let args: ParsedArgs;
  try {
    args = parseArgs(command, argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (args.help) {
    io.out(usageText(command));
    return 0;
  }
  return body(args);
}

/**
 * Parses a command line inside the command's own `main` (callable from tests and other tools as well as from
 * its script): `--help` prints the usage and gives 0, a usage mistake prints its message and gives
 * `usageExit`; otherwise the parsed arguments.
 */
export function parseOrExit(command: CliCommand, argv: readonly string[], io: CliIo, usageExit: number, check: (args: ParsedArgs) => readonly string[] = () => []): ParsedArgs | number {
  const { args, problems } = parseArgsAll(command, argv);
  if (args.help) {
    io.out(usageText(command));
    return 0;
  }
  // The command's own checks of what did parse come in the same list as the parser's.
  const all = [...problems, ...check(args).map((p) => `${command.name}: ${p}`)];
  if (all.length === 0) return args;
  io.err(`${usageMessage(command, all)}\n`);
  return usageExit;
}
