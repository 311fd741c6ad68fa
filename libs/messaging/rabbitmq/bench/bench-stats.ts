/** Small statistics for the benchmarks: medians over rounds, percentiles over samples. */
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

/** Prints the comparison table: the library's figure as a ratio of plain amqplib's. */
export function printTable(title: string, rows: readonly Row[]): void {
  const format = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));
  console.log(`\n${title}`);
  console.log('| metric | plain amqplib | shopbus | shopbus vs plain |');
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
