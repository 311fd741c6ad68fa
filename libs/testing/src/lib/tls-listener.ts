import {
  connect as connectTcp,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { TLSSocket } from 'node:tls';

export interface TlsListener {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** Connections whose TLS handshake completed. */
  readonly handshakes: number;
  close(): Promise<void>;
}

export interface TlsListenerOptions {
  /** The plain server behind it. */
  target: { host: string; port: number };
  /** PEM certificate and key it presents. */
  cert: string | Buffer;
  key: string | Buffer;
  /**
   * `amqp`: TLS from the first byte (amqps). `postgres`: answers Postgres's SSLRequest with 'S'
   * first, as a server with `ssl = on` does, then TLS.
   */
  protocol: 'amqp' | 'postgres';
  /** Ask every client for a certificate signed by this authority, and refuse one without. */
  clientCa?: string | Buffer;
}

/** Postgres's SSLRequest: length 8, then the request code 80877103. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * A TLS listener in front of the local broker or database: the client side of TLS (which
 * authority it trusts, the name it checks, `sslmode=verify-full`) meets a real handshake, and
 * the protocol behind it is the real server's. Plain connections that do not ask for TLS are cut.
 */
export async function startTlsListener(options: TlsListenerOptions): Promise<TlsListener> {
  let handshakes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => raw.destroy());
    const secure = () => {
      const tls = new TLSSocket(raw, {
        isServer: true,
        cert: options.cert,
        key: options.key,
        ...(options.clientCa && {
          requestCert: true,
          rejectUnauthorized: true,
          ca: options.clientCa,
        }),
      });
      tls.on('error', () => raw.destroy());
      tls.on('secure', () => {
        handshakes += 1;
        const upstream = connectTcp(options.target.port, options.target.host);
        upstream.on('error', () => tls.destroy());
        tls.on('close', () => upstream.destroy());
        upstream.on('close', () => tls.destroy());
        tls.pipe(upstream).pipe(tls);
      });
    };
    if (options.protocol === 'amqp') return secure();
    raw.once('data', (first: Buffer) => {
      if (!first.subarray(0, 8).equals(SSL_REQUEST)) return void raw.destroy();
      raw.write('S', () => secure());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get handshakes() {
      return handshakes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
