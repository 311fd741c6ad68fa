/**
 * `npm run compose:check-metrics`: asks the compose shop's Prometheus (PROMETHEUS_PORT, default
 * 9090) whether it does its job, after `npm run demo:compose`: the shop's alert rules loaded,
 * every scrape target up (the four services and the broker), each dashboard query answered with
 * data, and the dead letter the demo leaves on purpose firing its alert. Waits up to 90 s for
 * what depends on scrapes and evaluations to come; prints what it found; fails naming what is
 * missing. With `--cluster` (the cluster profile) it also wants the four second replicas and
 * the three broker nodes among the targets.
 */
const base = `http://127.0.0.1:${process.env['PROMETHEUS_PORT'] || '9090'}`;

/** How many targets each job must have up: one profile's services and broker nodes. */
const TARGETS_PER_JOB: Record<string, number> = process.argv.includes('--cluster')
  ? { shop: 4, 'shop-replicas': 4, rabbitmq: 3 }
  : { shop: 4, rabbitmq: 1 };

/** The queries an operator's dashboard asks, each of which must answer with data. */
const DASHBOARD_QUERIES: Record<string, string> = {
  'checkouts relayed per second':
    'sum(rate(messaging_client_sent_messages_total{shopbus_message_type="cart.checked-out"}[5m]))',
  'order journey steps, p99 seconds':
    'histogram_quantile(0.99, sum by (le, step) (rate(shop_order_step_duration_bucket[5m])))',
  'order journey steps, count': 'sum by (step) (shop_order_step_duration_count)',
  'queue depth': 'sum by (queue) (rabbitmq_queue_messages)',
  'consumers per queue': 'sum by (queue) (rabbitmq_queue_consumers)',
  'deliveries per endpoint and outcome':
    'sum by (messaging_destination_name, shopbus_outcome) (messaging_process_duration_count)',
  'handling p99 seconds per endpoint':
    'histogram_quantile(0.99, sum by (le, messaging_destination_name) (rate(messaging_process_duration_bucket[5m])))',
  'outbox backlog per service': 'sum by (job, instance) (shopbus_outbox_pending_messages)',
  'relay lag p99 seconds':
    'histogram_quantile(0.99, sum by (le) (rate(shopbus_outbox_relay_lag_bucket[5m])))',
  'endpoints consuming': 'sum by (queue) (shopbus_endpoint_consuming)',
};

const ALERT_RULES = [
  'DeadLetterQueueNotEmpty',
  'OutboxStalled',
  'EndpointWithoutConsumer',
  'CheckoutToPlacedSlow',
];

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? response.status}`);
  return body.data;
}

/** What is missing now (empty when everything is there), and what was found. */
async function inspect(): Promise<{ missing: string[]; found: string[] }> {
  const missing: string[] = [];
  const found: string[] = [];
  const { groups } = await api<{ groups: { rules: { name: string }[] }[] }>('/api/v1/rules');
  const rules = groups.flatMap((group) => group.rules.map((rule) => rule.name));
  for (const rule of ALERT_RULES) if (!rules.includes(rule)) missing.push(`alert rule ${rule}`);
  found.push(`alert rules: ${rules.join(', ')}`);

  const { activeTargets } = await api<{
    activeTargets: { labels: { job: string; instance: string }; health: string }[];
  }>('/api/v1/targets');
  for (const target of activeTargets) {
    const name = `${target.labels.job} ${target.labels.instance}`;
    if (target.health !== 'up') missing.push(`target ${name} up (is ${target.health})`);
  }
  for (const [job, count] of Object.entries(TARGETS_PER_JOB)) {
    const up = activeTargets.filter((t) => t.labels.job === job && t.health === 'up').length;
    if (up < count) missing.push(`${count} targets of job ${job} up (${up} are)`);
  }
  found.push(`targets: ${activeTargets.map((t) => `${t.labels.instance} ${t.health}`).join(', ')}`);

  for (const [name, query] of Object.entries(DASHBOARD_QUERIES)) {
    const { result } = await api<{ result: Sample[] }>(
      `/api/v1/query?query=${encodeURIComponent(query)}`,
    );
    if (result.length === 0) missing.push(`data for "${name}"`);
    const shown = result
      .slice(0, 4)
      .map((sample) => `${Object.values(sample.metric).join('/') || 'all'}=${sample.value[1]}`);
    found.push(`${name}: ${result.length} series${shown.length ? ` (${shown.join(', ')})` : ''}`);
  }

  const { alerts } = await api<{ alerts: { labels: Record<string, string>; state: string }[] }>(
    '/api/v1/alerts',
  );
  const deadLetters = alerts.filter(
    (alert) => alert.labels['alertname'] === 'DeadLetterQueueNotEmpty' && alert.state === 'firing',
  );
  if (deadLetters.length === 0) missing.push('DeadLetterQueueNotEmpty firing');
  found.push(
    `alerts: ${alerts.map((a) => `${a.labels['alertname']}{${a.labels['queue'] ?? ''}} ${a.state}`).join(', ') || 'none'}`,
  );
  return { missing, found };
}

async function main(): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { missing, found } = await inspect().catch((error: Error) => ({
      missing: [`Prometheus at ${base}: ${error.message}`],
      found: [],
    }));
    if (missing.length === 0 || Date.now() > deadline) {
      for (const line of found) console.log(`  ${line}`);
      if (missing.length > 0) {
        console.error(`Prometheus lacks: ${missing.join('; ')}`);
        process.exit(1);
      }
      console.log('Prometheus: every rule, target and dashboard query answers');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

if (require.main === module) void main();
