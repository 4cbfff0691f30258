/**
 * The exit-code convention of every in-cluster program (bootstrap, MIG setup, apps upload; the Python apps
 * upload follows it by hand, see `apps/upload-apps.py`). docs/programs.md says the same for operators.
 *
 * | code | meaning | what the Job should do |
 * |---|---|---|
 * | 0 | converged: the state asked for is reached | done |
 * | 1 | transient failure (network, 5xx, 429, time-out, deadline reached, stopped by SIGTERM) | retry (pod retry or a later run) |
 * | 2 | permanent failure: bad input or settings, refused credentials or rights, a state only an operator can resolve | stop; the last line on standard error says what to fix |
 * | 3 | waiting for an operator action outside the program (MIG: reboot the node) | stop; act, then run again |
 *
 * The reason is always the last line written to standard error; no secret is ever printed.
 */
export const EXIT = {
  converged: 0,
  transient: 1,
  permanent: 2,
  waiting: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
