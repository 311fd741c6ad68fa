/**
 * TLS settings for an `amqps://` URL, handed to Node's `tls.connect`. The broker's certificate
 * is always verified (against `ca`, else the system's roots) and its name checked against the
 * URL's host; there is deliberately no option to turn either off.
 */
export interface BrokerTls {
  /** PEM certificates of the authorities that sign the broker's certificate (a private CA). */
  ca?: string | Buffer;
  /** PEM client certificate and key, for a broker that asks for one (`verify_peer`). */
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** The socket options amqplib passes to `tls.connect` for these settings (none without TLS). */
export function tlsSocketOptions(url: string, tls: BrokerTls | undefined): Record<string, unknown> {
  if (!tls) return {};
  if (new URL(url).protocol !== 'amqps:') {
    throw new Error('TLS settings were given for a broker URL that is not amqps://');
  }
  return { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true };
}
