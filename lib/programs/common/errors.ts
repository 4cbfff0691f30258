/**
 * The error kinds of the in-cluster programs, each mapped to an exit code of `exit-codes.ts` by
 * {@link exitCodeOf}.
 */
import { EXIT, ExitCode } from './exit-codes';

/** Retrying cannot fix it (exit 2): bad input, refused credentials or rights, an answer against the contract. */
export class PermanentError extends Error {}

/** A failure that a later attempt may not have (5xx, 429, reset, time-out); retried. */
export class TransientError extends Error {}

/** A 429's `Retry-After`, carried on the error. */
export class ThrottledError extends TransientError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** A transient failure outlasted the deadline or the attempts (exit 1: running again may succeed). */
export class GaveUpError extends Error {}

/** The run was stopped from outside (SIGTERM); exit 1. */
export class AbortedError extends Error {
  constructor(message = 'stopped from outside (SIGTERM) before finishing') {
    super(message);
  }
}

/** The exit code an error ends a run with: 1 for what may pass, 2 for the rest (unexpected errors included). */
export function exitCodeOf(e: unknown): ExitCode {
  return e instanceof TransientError || e instanceof GaveUpError || e instanceof AbortedError ? EXIT.transient : EXIT.permanent;
}

/** An error's message on one line. */
export function errorText(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e), Infinity);
}

/** Text on one line, shortened to `max` characters (texts from the network are shortened where they come in). */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
