/**
 * A node:http (or, with a key and certificate, node:https) server on 127.0.0.1 with a random port, whose
 * close() also ends open (hanging) connections.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { AddressInfo } from 'node:net';

export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A server key and certificate (PEM) for https. */
export interface TlsIdentity {
  readonly key: string;
  readonly cert: string;
}

export async function listenLocal(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: TlsIdentity): Promise<LocalServer> {
  const server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A fake API served on 127.0.0.1: `start()`, `url`, `stop()`; subclasses answer in `handle`. */
export abstract class LocalFake {
  private server?: LocalServer;

  constructor(
    private readonly what: string,
    /** Serve https with this identity (the client then needs its CA). @default - plain http */
    private readonly tls?: TlsIdentity,
  ) {}

  get url(): string {
    if (!this.server) throw new Error(`${this.what} not started`);
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await listenLocal((req, res) => void this.handle(req, res), this.tls);
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
