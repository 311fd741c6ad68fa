import { randomBytes } from 'node:crypto';
import { loadServiceConfig } from '../lib/config/service-config';
import { operatorOf, parseOperatorTokens, parsePublicRoutes } from '../lib/operators/operators';

const manifest = {
  name: 'probe',
  port: 3999,
  database: 'probe',
  databaseUrlVariable: 'PROBE_DATABASE_URL',
  brokerUser: 'probe',
  queues: [],
  events: [],
};
const token = (length = 32) => randomBytes(length).toString('base64url').slice(0, length);

/** A service refuses, at start and saying what is wrong, security settings it cannot use safely. */
describe('a service’s security settings', () => {
  it('reads operators and finds each by their token only', () => {
    const [alice, grafana] = [token(), token()];
    const operators = parseOperatorTokens(`alice:write:${alice}, grafana:read:${grafana}`);
    expect(operatorOf(operators, alice)).toMatchObject({ name: 'alice', role: 'write' });
    expect(operatorOf(operators, grafana)).toMatchObject({ name: 'grafana', role: 'read' });
    expect(operatorOf(operators, `${alice}x`)).toBeUndefined();
    expect(operatorOf(operators, '')).toBeUndefined();
    expect(JSON.stringify(operators)).not.toContain(alice);
  });

  it.each([
    ['an entry without a role', `alice:${token()}`, /entry 1 is not name:read\|write:token/],
    ['an unknown role', `alice:admin:${token()}`, /entry 1 is not name:read\|write:token/],
    ['a short token', 'alice:write:short-token', /alice's token is shorter than 24 characters/],
    ['a name twice', `a:read:${token()},a:write:${token()}`, /a is named twice/],
  ])('refuses OPERATOR_TOKENS with %s, without echoing the token', (_, raw, message) => {
    expect(() => parseOperatorTokens(raw)).toThrow(message);
    try {
      parseOperatorTokens(raw);
    } catch (error) {
      expect(String(error)).not.toContain(raw.split(':').at(-1));
    }
  });

  it('refuses two operators sharing a token', () => {
    const shared = token();
    expect(() => parseOperatorTokens(`a:read:${shared},b:write:${shared}`)).toThrow(
      /b shares a token with another operator/,
    );
  });

  it('opens only health and metrics, and refuses anything else', () => {
    expect(parsePublicRoutes('health, metrics')).toEqual(['health', 'metrics']);
    expect(parsePublicRoutes(undefined)).toEqual([]);
    expect(() => parsePublicRoutes('health,admin')).toThrow(
      /PUBLIC_ROUTES may name health and metrics, not "admin"/,
    );
  });

  it.each([
    [{ VERIFY_PUBLISHERS: 'yes' }, /VERIFY_PUBLISHERS must be true or false, got "yes"/],
    [
      { BROKER_TOPOLOGY: 'create' },
      /"declare"\|"verify"\|"declare-only"\n {2}→ at BROKER_TOPOLOGY/,
    ],
    [
      { RABBITMQ_CA_FILE: '/nonexistent/ca.crt' },
      /RABBITMQ_CA_FILE: cannot read \/nonexistent\/ca.crt/,
    ],
    [{ RABBITMQ_CERT_FILE: __filename }, /Set RABBITMQ_CERT_FILE and RABBITMQ_KEY_FILE together/],
    [
      { INBOX_GROUP_COMMIT: '0' },
      /Too small: expected number to be >=1\n {2}→ at INBOX_GROUP_COMMIT/,
    ],
    [{ INBOX_GROUP_COMMIT: 'many' }, /expected number, received NaN\n {2}→ at INBOX_GROUP_COMMIT/],
    [{ MESSAGE_KEYS: 'k1:c2hvcnQ=' }, /Key "k1" has 5 bytes; AES-256 needs 32/],
    [
      { OPERATOR_TOKENS: `a:read:${'x'.repeat(24)}`, OPERATOR_TOKENS_FILE: '/tmp/x' },
      /Set OPERATOR_TOKENS or OPERATOR_TOKENS_FILE, not both/,
    ],
  ])('stops a service started with %j, saying why', (env: NodeJS.ProcessEnv, message) => {
    const withDatabase = { PROBE_DATABASE_URL: 'postgresql://localhost/probe', ...env };
    expect(() => loadServiceConfig(manifest, withDatabase)).toThrow(message);
  });

  it('reads a cluster’s nodes from RABBITMQ_URL, comma-separated, and the shop’s quorum default', () => {
    const config = loadServiceConfig(manifest, {
      PROBE_DATABASE_URL: 'postgresql://localhost/probe',
      RABBITMQ_URL: 'amqp://u:p@n1:5672, amqp://u:p@n2:5672',
    });
    expect(config.rabbitmqUrls).toEqual(['amqp://u:p@n1:5672', 'amqp://u:p@n2:5672']);
    expect(config.rabbitmqAddressOrder).toBe('shuffled');
    expect(config.queueKind).toBe('quorum');
    expect(config.inboxGroupCommit).toBe(16);
  });

  it('traces only with a collector, every trace it begins unless told a share, and refuses a bad share', () => {
    const env = { PROBE_DATABASE_URL: 'postgresql://localhost/probe' };
    expect(loadServiceConfig(manifest, env).tracing).toBeUndefined();
    const collector = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadServiceConfig(manifest, collector).tracing).toEqual({
      otlpEndpoint: 'http://collector:4318',
      scheduleDelayMs: 5000,
      sampleRatio: 1,
    });
    const share = { ...collector, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' };
    expect(
      loadServiceConfig(manifest, { ...share, OTEL_TRACES_SAMPLER_ARG: '0.1' }).tracing,
    ).toMatchObject({ sampleRatio: 0.1 });
    expect(loadServiceConfig(manifest, share).tracing).toMatchObject({ sampleRatio: 1 });
    expect(() => loadServiceConfig(manifest, { ...share, OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      /a number from 0 to 1\s+→ at OTEL_TRACES_SAMPLER_ARG/,
    );
    expect(() =>
      loadServiceConfig(manifest, { ...collector, OTEL_TRACES_SAMPLER: 'always_off' }),
    ).toThrow(/OTEL_TRACES_SAMPLER/);
  });
});
