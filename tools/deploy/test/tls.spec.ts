import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineEvent, handlerFor, MessageBus, silentLogger } from '@shopbus/messaging-core';
import { RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import {
  BrokerAdmin,
  Countdown,
  databaseUrl,
  rabbitmqUrl,
  startTlsListener,
  uniqueExchanges,
  type TlsListener,
} from '@shopbus/testing';
import pg from 'pg';
import { z } from 'zod';
import { createDevCertificates } from '../dev-certificates';

const TlsChecked = defineEvent('test.tls-checked', z.object({ n: z.number().int() }));

/**
 * The library's TLS settings against real handshakes: the certificates `npm run compose:setup`
 * makes (here for a name, `localhost`, and nothing else), TLS listeners in front of the local
 * broker and Postgres, and clients that must verify both the authority and the name.
 */
describe('TLS to the broker and the database, with the development CA', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopbus-tls-'));
  const strangerDir = mkdtempSync(path.join(tmpdir(), 'shopbus-tls-stranger-'));
  let amqps: TlsListener;
  let postgres: TlsListener;
  /** Postgres again, presenting a certificate for another name. */
  let postgresElsewhere: TlsListener;
  let ca: string;
  let strangerCa: string;
  const transports: RabbitMqTransport[] = [];
  const declaredExchanges: string[] = [];
  /** Exchanges of this run's own, deleted at the end (a transport that connects declares them). */
  const exchanges = () => {
    const names = uniqueExchanges();
    declaredExchanges.push(...Object.values(names));
    return names;
  };

  beforeAll(async () => {
    createDevCertificates(dir, [
      { name: 'server', hosts: ['localhost'] },
      { name: 'elsewhere', hosts: ['db.elsewhere.test'] },
    ]);
    createDevCertificates(strangerDir, []);
    ca = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    strangerCa = readFileSync(path.join(strangerDir, 'ca.crt'), 'utf8');
    const served = {
      cert: readFileSync(path.join(dir, 'server.crt')),
      key: readFileSync(path.join(dir, 'server.key')),
    };
    const plain = (url: string, port: number) => ({
      host: new URL(url).hostname,
      port: Number(new URL(url).port || port),
    });
    amqps = await startTlsListener({
      ...served,
      target: plain(rabbitmqUrl(), 5672),
      protocol: 'amqp',
    });
    postgres = await startTlsListener({
      ...served,
      target: plain(databaseUrl(), 5432),
      protocol: 'postgres',
    });
    postgresElsewhere = await startTlsListener({
      cert: readFileSync(path.join(dir, 'elsewhere.crt')),
      key: readFileSync(path.join(dir, 'elsewhere.key')),
      target: plain(databaseUrl(), 5432),
      protocol: 'postgres',
    });
  });
  afterAll(async () => {
    for (const transport of transports) await transport.close().catch(() => undefined);
    // The exchanges the transports that connected declared on the local broker.
    const admin = await BrokerAdmin.connect();
    admin.track({ exchanges: declaredExchanges });
    await admin.cleanUp();
    await amqps?.close();
    await postgres?.close();
    await postgresElsewhere?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(strangerDir, { recursive: true, force: true });
  });

  /** The local broker's URL, over TLS through the listener, reached by the given host name. */
  const amqpsUrl = (host: string) => {
    const url = new URL(rabbitmqUrl());
    url.protocol = 'amqps:';
    url.hostname = host;
    url.port = String(amqps.port);
    return url.toString();
  };
  const transport = async (url: string, tlsCa: string) => {
    const created = new RabbitMqTransport({
      url,
      tls: { ca: tlsCa },
      ...exchanges(),
      logger: silentLogger,
      reconnect: { initialMaxRetries: 0 },
    });
    transports.push(created);
    await created.start();
    return created;
  };

  it('the transport connects over amqps, verifying the broker by the CA, and messages flow', async () => {
    const before = amqps.handshakes;
    const secured = await transport(amqpsUrl('localhost'), ca);
    const admin = await BrokerAdmin.connect();
    const queue = `tls-${Date.now()}`;
    admin.track({
      queues: [queue, `${queue}.dlq`],
      exchanges: [secured.eventsExchange, secured.commandsExchange, secured.deadLetterExchange],
    });
    try {
      const bus = new MessageBus(secured, { source: 'tls', logger: silentLogger });
      const handled = new Countdown<number>();
      await bus.subscribe({
        queue,
        // No retry queues to leave behind: the run deletes the queue and its dead-letter queue.
        recoverability: { redeliveryDelaysMs: [] },
        handlers: [handlerFor(TlsChecked, async ({ n }) => handled.record(n))],
      });
      await bus.publish(TlsChecked, { n: 7 });
      expect(await handled.reach(1)).toEqual([7]);
      // Both of its connections (publishing, consuming) went through TLS.
      expect(amqps.handshakes - before).toBe(2);
    } finally {
      await admin.cleanUp();
    }
  });

  it('a broker whose certificate another authority signed is refused', async () => {
    await expect(transport(amqpsUrl('localhost'), strangerCa)).rejects.toThrow(
      /self[- ]signed|unable to (verify|get)/i,
    );
  });

  it('a broker reached by a name its certificate does not carry is refused', async () => {
    await expect(transport(amqpsUrl('127.0.0.1'), ca)).rejects.toThrow(
      /IP: 127\.0\.0\.1 is not in the cert/,
    );
  });

  it('presents a client certificate to a broker that asks for one, and is refused without', async () => {
    const asking = await startTlsListener({
      cert: readFileSync(path.join(dir, 'server.crt')),
      key: readFileSync(path.join(dir, 'server.key')),
      target: {
        host: new URL(rabbitmqUrl()).hostname,
        port: Number(new URL(rabbitmqUrl()).port || 5672),
      },
      protocol: 'amqp',
      clientCa: ca,
    });
    const url = new URL(amqpsUrl('localhost'));
    url.port = String(asking.port);
    const withCert = (tls: { ca: string; cert?: Buffer; key?: Buffer }) => {
      const created = new RabbitMqTransport({
        url: url.toString(),
        tls,
        ...exchanges(),
        logger: silentLogger,
        reconnect: { initialMaxRetries: 0 },
      });
      transports.push(created);
      return created.start();
    };
    try {
      await expect(withCert({ ca })).rejects.toThrow(/alert certificate required/);
      // The server's certificate is also good for client authentication (extendedKeyUsage).
      await withCert({
        ca,
        cert: readFileSync(path.join(dir, 'server.crt')),
        key: readFileSync(path.join(dir, 'server.key')),
      });
      expect(asking.handshakes).toBe(2);
    } finally {
      await asking.close();
    }
  });

  it('TLS settings with a plain amqp:// URL stop the transport at once', () => {
    expect(
      () => new RabbitMqTransport({ url: rabbitmqUrl(), tls: { ca }, logger: silentLogger }),
    ).toThrow(/not amqps/);
  });

  /** The local Postgres's URL through a listener, with libpq's TLS parameters. */
  const postgresUrl = (listener: TlsListener, rootCert: string) => {
    const url = new URL(databaseUrl());
    url.hostname = 'localhost';
    url.port = String(listener.port);
    url.searchParams.set('sslmode', 'verify-full');
    url.searchParams.set('sslrootcert', rootCert);
    return url.toString();
  };

  // A service's pool and its relay's LISTEN connection take their TLS from the URL as this does.
  it('a pool connects to Postgres with sslmode=verify-full and the CA', async () => {
    const before = postgres.handshakes;
    const pool = new pg.Pool({ connectionString: postgresUrl(postgres, path.join(dir, 'ca.crt')) });
    try {
      const { rows } = await pool.query<{ answer: number }>('SELECT 41 + 1 AS answer');
      expect(rows[0].answer).toBe(42);
      expect(postgres.handshakes - before).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('Postgres with sslmode=verify-full refuses a server another authority vouches for', async () => {
    const client = new pg.Client({
      connectionString: postgresUrl(postgres, path.join(strangerDir, 'ca.crt')),
    });
    await expect(client.connect()).rejects.toThrow(/self[- ]signed|unable to (verify|get)/i);
  });

  // node-postgres checks the name only for a host name, not an IP address: compose uses names.
  it('Postgres with sslmode=verify-full refuses a certificate for another name', async () => {
    const client = new pg.Client({
      connectionString: postgresUrl(postgresElsewhere, path.join(dir, 'ca.crt')),
    });
    await expect(client.connect()).rejects.toThrow(
      /Host: localhost\. is not in the cert's altnames/,
    );
  });
});
