/**
 * Collecting input problems so that every one of them is reported at once.
 *
 * A problem names where it is (the file, when there is one, and the field path), the value received
 * and what is allowed. `ConfigError` carries all problems of a run; `main.ts` prints them and exits
 * non-zero before anything is written.
 */

/** One thing wrong with the input. */
export interface Problem {
  /** The file the value came from, relative to the project; absent for platform props in `main.ts`. */
  readonly file?: string;
  /** Dotted field path, e.g. `queues.gpuFractions[1]` or `server.groups[0].id`. */
  readonly path: string;
  /** The value received (`undefined` when the field is missing). */
  readonly value: unknown;
  /** What went wrong and what is allowed. */
  readonly message: string;
}

/** The most characters of a value (or of a field path) a message shows. */
export const MAX_SHOWN = 120;

/**
 * `text` cut to at most `max` characters for a message: a longer text keeps its start and says how long
 * it was, so a huge value (a file's whole content, a 5 MB name) is never echoed whole.
 */
export function shorten(text: string, max = MAX_SHOWN): string {
  if (text.length <= max) return text;
  const note = `... (${text.length} characters)`;
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}

/** Renders a value for a message: strings quoted, objects as compact JSON, missing as `(missing)`; all shortened. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return JSON.stringify(shorten(value));
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : shorten(json);
  } catch {
    return shorten(String(value));
  }
}

/** One line per problem: `<file>: <path>: <value>: <message>` (a long path or value is shortened). */
export function formatProblem(problem: Problem): string {
  const where = problem.file ? `${shorten(problem.file)}: ${shorten(problem.path)}` : shorten(problem.path);
  return `${where}: ${showValue(problem.value)}: ${problem.message}`;
}

/** Thrown when the input has problems; `message` lists every one of them. */
export class ConfigError extends Error {
  public readonly problems: readonly Problem[];

  /** @param note a line after the list, e.g. which checks could not run yet */
  constructor(problems: readonly Problem[], note?: string) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the input:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}${note ? `\n${note}` : ''}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** How a {@link Problems} list names what is added to it. */
export interface ProblemsOptions {
  /**
   * Put before the path of every problem added with `add`, such as `clusters[1].` for what one cluster's
   * settings cannot do. @default '' (the path as given)
   */
  readonly pathPrefix?: string;
}

/** Accumulates problems; `throwIfAny` raises one `ConfigError` with all of them. */
export class Problems {
  private readonly list: Problem[] = [];

  /** @param file the file every problem added here belongs to, if any. */
  constructor(
    private readonly file?: string,
    private readonly options: ProblemsOptions = {},
  ) {}

  public add(path: string, value: unknown, message: string): void {
    this.list.push({ file: this.file, path: `${this.options.pathPrefix ?? ''}${path}`, value, message });
  }

  public addAll(problems: readonly Problem[]): void {
    this.list.push(...problems);
  }

  /** A collector for another file that reports into this one. */
  public forFile(file: string): Problems {
    const child = new Problems(file);
    const parent = this.list;
    child.add = (path, value, message) => {
      parent.push({ file, path, value, message });
    };
    return child;
  }

  public get all(): readonly Problem[] {
    return this.list;
  }

  public get count(): number {
    return this.list.length;
  }

  public throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError([...this.list]);
  }
}
