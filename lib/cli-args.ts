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

/** Parses `argv` for `command`; throws a {@link UsageError} for an unknown option or a missing value. */
export function parseArgs(command: CliCommand, argv: readonly string[]): ParsedArgs {
  const byName = new Map<string, CliOption>();
  for (const o of [...command.options, HELP]) for (const n of [o.name, ...(o.aliases ?? [])]) byName.set(n, o);
  const options = new Map<string, string[]>();
  const positionals: string[] = [];
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
    if (!option) throw new UsageError(`${command.name}: unknown option ${spelled}; ${seeHelp(command)}`);
    if (option === HELP) {
      help = true;
      continue;
    }
    let value = '';
    if (option.value) {
      const next = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (next === undefined || next === '') throw new UsageError(`${command.name}: ${spelled} needs a value (${option.value}); ${seeHelp(command)}`);
      // `--out --profile current`: the value is missing, not "--profile" (write `--out=--x` for such a value).
      if (eq < 0 && byName.has(next.split('=')[0])) {
        throw new UsageError(`${command.name}: ${spelled} needs a value (${option.value}), got the option ${next.split('=')[0]}; ${seeHelp(command)}`);
      }
      value = next;
    } else if (eq >= 0) {
      throw new UsageError(`${command.name}: ${spelled} takes no value; ${seeHelp(command)}`);
    }
    options.set(option.name, [...(options.get(option.name) ?? []), value]);
  }
  if (!help && positionals.length > (command.maxPositionals ?? 0)) {
    const extra = positionals.slice(command.maxPositionals ?? 0);
    throw new UsageError(`${command.name}: unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => JSON.stringify(a)).join(', ')}; ${seeHelp(command)}`);
  }
  return { help, options, positionals };
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
