/**
 * The small HTTP client of the in-cluster programs (Node built-ins only): one exchange with its own
 * time-out, a cap on the answer's size, a stop signal and an optional CA; JSON bodies; and retries with
 * capped exponential back-off and jitter that end at a deadline or after a number of attempts.
 *
 * Errors: network failures, time-outs and broken-off answers are {@link TransientError}s; a TLS trust failure
 * and an answer over the size cap are {@link PermanentError}s; a stop signal gives an {@link AbortedError}.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AbortedError, GaveUpError, PermanentError, ThrottledError, TransientError, errorText, oneLine } from './errors';

/** Default cap on an answer's body (the bootstrap contract's 1 MiB). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface HttpRequest {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A body; sent with `Content-Type: application/json` unless `contentType` says otherwise. */
  readonly body?: string;
  readonly contentType?: string;
  /** PEM text of the CA to trust (https only). */
  readonly ca?: string;
  /** This exchange's own time-out. */
  readonly timeoutMs: number;
  /** @default MAX_ANSWER_BYTES */
  readonly maxAnswerBytes?: number;
  readonly signal?: AbortSignal;
}

/** One HTTP exchange; never retried here. */
export function send(url: string, request: HttpRequest): Promise<HttpAnswer> {
  const { method, body, signal, timeoutMs } = request;
  const maxBytes = request.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  if (signal?.aborted) return Promise.reject(new AbortedError());
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(answer as HttpAnswer);
    };
    const target = new URL(url);
    const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = requestFn(target, { method, headers, agent: false, ca: request.ca }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // Stop reading: an answer this large is not one the programs know, and buffering it is unbounded.
          settle(new PermanentError(`${method} ${url}: the answer is larger than ${maxBytes} bytes${maxBytes === MAX_ANSWER_BYTES ? ' (1 MiB)' : ''}; stopped reading it`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (e) => settle(new TransientError(`${method} ${url}: answer broken off (${errorText(e)})`)));
      res.on('close', () => {
        if (!res.complete) settle(new TransientError(`${method} ${url}: answer broken off`));
      });
      res.on('end', () => settle(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    const timer = setTimeout(() => {
      settle(new TransientError(`${method} ${url}: no answer within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    const onAbort = () => {
      settle(new AbortedError());
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      if (/CERT|SELF_SIGNED|ERR_TLS/.test(code)) settle(new PermanentError(`${method} ${url}: TLS trust failure (${code}): ${errorText(e)}`));
      else settle(new TransientError(`${method} ${url}: ${code || errorText(e)}`));
    });
    req.end(body);
  });
}

/** An HTTP status that means "try again later" (5xx, 429, 408), whatever the body; undefined otherwise. */
export function transientStatus(what: string, answer: HttpAnswer): TransientError | undefined {
  const { status } = answer;
  if (status < 500 && status !== 429 && status !== 408) return undefined;
  // A Kubernetes-style Status object says what happened in its `message`; other bodies (HTML of a proxy,
  // an envelope) are shown shortened.
  const parsed = parseJson(answer.body) as { message?: unknown } | undefined;
  const said = typeof parsed === 'object' && parsed !== null && typeof parsed.message === 'string' ? `: ${oneLine(parsed.message, 120)}` : ` ${oneLine(answer.body, 120)}`;
  const message = `${what}: HTTP ${status}${said}`.trim();
  if (status === 429) {
    const seconds = Number(answer.headers['retry-after']);
    return new ThrottledError(message, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0);
  }
  return new TransientError(message);
}

/** The body as JSON, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** How to retry: capped exponential back-off with jitter, until a deadline and/or a number of attempts. */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** No retry starts after this time (epoch ms). */
  readonly deadline?: number;
  /** Attempts in all, the first included. */
  readonly attempts?: number;
  readonly signal?: AbortSignal;
  /** Told before each wait (a progress line). */
  readonly onRetry?: (error: Error, delayMs: number, nextAttempt: number) => void;
}

/** Waits between attempts of one operation; throws {@link GaveUpError} when the policy is used up. */
export class Backoff {
  private attempts = 0;
  private readonly started = Date.now();

  constructor(
    private readonly policy: RetryPolicy,
    private readonly what: string,
  ) {}

  /** Waits before the next attempt after `error`, or throws GaveUpError when the deadline or the attempts would pass. */
  async wait(error: Error): Promise<void> {
    this.attempts += 1;
    const { baseMs, maxMs, deadline, attempts, signal } = this.policy;
    if (attempts !== undefined && this.attempts >= attempts) {
      throw new GaveUpError(`${this.what} failed ${this.attempts} times; last: ${errorText(error)}`);
    }
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(this.attempts - 1, 30));
    const retryAfter = error instanceof ThrottledError ? error.retryAfterMs : 0;
    const delay = Math.min(maxMs, Math.max(retryAfter, ceiling / 2 + Math.random() * (ceiling / 2)));
    if (deadline !== undefined && Date.now() + delay > deadline) {
      const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
      throw new GaveUpError(`${this.what}: gave up after ${this.attempts} attempts in ${seconds} s (deadline reached); last error: ${errorText(error)}`);
    }
    if (signal?.aborted) throw new AbortedError();
    this.policy.onRetry?.(error, Math.round(delay), this.attempts + 1);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Runs `attempt` until it succeeds, retrying {@link TransientError}s only. */
export async function withRetry<T>(policy: RetryPolicy, what: string, attempt: () => Promise<T>): Promise<T> {
  const backoff = new Backoff(policy, what);
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof TransientError)) throw e;
      await backoff.wait(e);
    }
  }
}
