/** Small statistics for the benchmarks (`npm run bench:*`): medians over rounds, percentiles over samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface Row {
  metric: string;
  baseline: number;
  library: number;
  unit: string;
  /** For latencies lower is better: the ratio then reads baseline/library. */
  lowerIsBetter?: boolean;
}

/** Prints the comparison table: the library's figure as a ratio of the plain baseline's. */
export function printTable(
  title: string,
  rows: readonly Row[],
  baseline = 'plain amqplib',
  contender = 'shopbus',
): void {
  const format = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));
  console.log(`\n${title}`);
  console.log(`| metric | ${baseline} | ${contender} | ${contender} vs ${baseline} |`);
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    const ratio = row.lowerIsBetter
      ? `${format(row.library - row.baseline)} ${row.unit} more`
      : `${(row.library / row.baseline).toFixed(2)}x`;
    console.log(
      `| ${row.metric} | ${format(row.baseline)} ${row.unit} | ${format(row.library)} ${row.unit} | ${ratio} |`,
    );
  }
}

/** A ~300-byte JSON payload, the size the toolchain figures were measured with. */
export function samplePayload(n: number): {
  n: number;
  sentAt: number;
  orderId: string;
  note: string;
} {
  return {
    n,
    sentAt: 0,
    orderId: '0190f7a2-6c1e-7b3a-9c4d-5e6f7a8b9c0d',
    note: 'x'.repeat(220),
  };
}

/** Calls `send` `total` times at `rate` per second, in 1 ms steps, catching up if late. */
export async function paced(total: number, rate: number, send: (n: number) => void): Promise<void> {
  const started = performance.now();
  let n = 0;
  while (n < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (n < due) send(n++);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
