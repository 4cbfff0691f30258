/**
 * Fault injection shared by the fake APIs: rules that fire on a named call and make the fake answer as a
 * failing server, proxy or network would.
 */
import { IncomingMessage, ServerResponse } from 'node:http';

export type FaultKind =
  /** HTTP 500 with the API's own error body; nothing applied. */
  | 'http500'
  /** HTTP 502 with a plain-text body (a proxy); nothing applied. */
  | 'http502-text'
  /** HTTP 503 with an HTML body (a proxy); nothing applied. */
  | 'http503-html'
  /** HTTP 429 with the API's own error body; nothing applied. */
  | 'http429'
  /** The connection is reset before any answer; nothing applied. */
  | 'reset'
  /** No answer at all, until the client gives up; nothing applied. */
  | 'hang'
  /** The call is applied, then the connection is reset: it succeeded but its answer was lost. */
  | 'lost'
  /** The Job's process dies as the call arrives; nothing applied. */
  | 'crash-before'
  /** The call is applied, then the Job's process dies. */
  | 'crash-after'
  /** HTTP 200 whose body never ends (a broken or hostile server); nothing applied. */
  | 'endless-body';

export const FAULT_KINDS: readonly FaultKind[] = ['http500', 'http502-text', 'http503-html', 'http429', 'reset', 'hang', 'lost', 'crash-before', 'crash-after'];

export interface FaultRule {
  /** The call: a ClearML action (`queues.create`) or a Kubernetes call (`POST clearml-agent-credentials`); `*` for any. */
  readonly call: string;
  readonly kind: FaultKind;
  /** Matching calls to let through first. @default 0 */
  readonly skip?: number;
  /** How many matching calls fail, one after the other. @default 1 */
  readonly times?: number;
}

interface ArmedRule {
  readonly rule: FaultRule;
  skip: number;
  times: number;
}

/** The rules of one fake; each fires on its matching calls, in order, and is then used up. */
export class Faults {
  private rules: ArmedRule[] = [];
  /** Every fault that fired: `kind call`. */
  readonly fired: string[] = [];

  add(...rules: FaultRule[]): this {
    for (const rule of rules) this.rules.push({ rule, skip: rule.skip ?? 0, times: rule.times ?? 1 });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, if a rule fires. */
  take(call: string): FaultKind | undefined {
    for (const armed of this.rules) {
      if (armed.times <= 0 || (armed.rule.call !== '*' && armed.rule.call !== call)) continue;
      if (armed.skip > 0) {
        armed.skip -= 1;
        continue;
      }
      armed.times -= 1;
      this.fired.push(`${armed.rule.kind} ${call}`);
      return armed.rule.kind;
    }
    return undefined;
  }
}

/** What a fake needs to answer: its normal answer (computed only when the call is applied). */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Shared by both fakes: a crashed Job sends nothing more, whatever API it talks to. */
export interface Lifeline {
  /** True after a crash, until the next run starts. */
  down: boolean;
  /** Kills the running Job (child process or in-process run). */
  crash(): void;
}

/**
 * Answers one request, applying `fault` if any. `apply` performs the call's effect and returns its answer;
 * `errorBody(status)` is the API's own error body for the 500 and 429 faults.
 */
export function answerWithFault(req: IncomingMessage, res: ServerResponse, fault: FaultKind | undefined, lifeline: Lifeline, apply: () => Answer, errorBody: (status: number) => unknown): void {
  const send = (status: number, body: unknown, contentType = 'application/json') => {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const cut = (): void => {
    req.socket.destroy();
  };
  if (lifeline.down) return cut();
  switch (fault) {
    case undefined: {
      const answer = apply();
      return send(answer.status, answer.body);
    }
    case 'http500':
      return send(500, errorBody(500));
    case 'http429':
      return send(429, errorBody(429));
    case 'http502-text':
      return send(502, 'Bad Gateway: upstream connect error or disconnect/reset before headers\n', 'text/plain');
    case 'http503-html':
      return send(503, '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>\n', 'text/html');
    case 'reset':
      return cut();
    case 'hang':
      return; // the client's time-out ends it
    case 'lost':
      apply();
      return cut();
    case 'crash-before':
      lifeline.crash();
      return cut();
    case 'crash-after':
      apply();
      lifeline.crash();
      return cut();
    case 'endless-body': {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      res.write('{"meta": {"result_code": 200}, "data": {"padding": "');
      let written = 0;
      const pump = (): void => {
        // Stops when the client hangs up, or at 64 MiB (a client that buffers it all would still see an end).
        while (!res.destroyed && written < 1024 && res.write(chunk)) written += 1;
        if (res.destroyed || written >= 1024) return void res.end('"}}');
        written += 1;
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      return pump();
    }
  }
}

/** Reads a request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
