import type { CheckoutAttempt } from './checkout-load';
import { isDuplicated, isLost, type Leftovers, type OrderOutcome } from './ledger-check';

/** How one fault went: the checkouts started while it lasted and until the shop was ready again. */
export interface WindowResult {
  name: string;
  recoveryMs?: number;
  recoveryError?: string;
}

function failureSummary(attempts: CheckoutAttempt[]): string {
  const counts = new Map<string, number>();
  for (const attempt of attempts.filter((a) => !a.accepted)) {
    const reason = (attempt.failure ?? '?').replace(/[0-9a-f-]{36}/g, '…');
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => `${count}× ${reason}`).join('; ');
}

/** The table the rig prints, one row per window, and whether the run passed. */
export function report(
  windows: WindowResult[],
  attempts: CheckoutAttempt[],
  outcomes: OrderOutcome[],
  leftovers: Leftovers & { poisonNotDeadLettered: string[] },
  unexpectedExits: string[],
): { text: string; passed: boolean } {
  const rows = [['window', 'accepted', 'failed', 'lost', 'duplicated', 'recovered in', 'failures']];
  let lost = 0;
  let duplicated = 0;
  for (const window of [{ name: 'warm-up' } as WindowResult, ...windows]) {
    const started = attempts.filter((attempt) => attempt.window === window.name);
    const mine = outcomes.filter((outcome) => outcome.attempt.window === window.name);
    const windowLost = mine.filter(isLost).length;
    const windowDuplicated = mine.filter(isDuplicated).length;
    lost += windowLost;
    duplicated += windowDuplicated;
    rows.push([
      window.name,
      String(started.filter((a) => a.accepted).length),
      String(started.filter((a) => !a.accepted).length),
      String(windowLost),
      String(windowDuplicated),
      window.recoveryError ??
        (window.recoveryMs === undefined ? '' : `${(window.recoveryMs / 1000).toFixed(1)} s`),
      failureSummary(started),
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 || column === 6 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  '),
  );
  const problems = [
    ...outcomes
      .filter(isLost)
      .slice(0, 10)
      .map(
        (o) =>
          `lost: order ${o.attempt.orderId} (${o.attempt.window}): order ${o.orderStatus}, shipment ${o.shipmentStatus}, notifications ${JSON.stringify(o.notifications)}`,
      ),
    ...outcomes
      .filter(isDuplicated)
      .slice(0, 10)
      .map(
        (o) =>
          `duplicated: order ${o.attempt.orderId}: notifications ${JSON.stringify(o.notifications)}`,
      ),
    ...leftovers.unexplainedDeadLetters,
    ...leftovers.poisonNotDeadLettered.map(
      (id) => `poison ${id} never reached a dead-letter queue`,
    ),
    ...leftovers.stuckOutboxRows,
    ...unexpectedExits,
    ...windows.filter((w) => w.recoveryError).map((w) => `${w.name}: ${w.recoveryError}`),
  ];
  const passed = problems.length === 0 && lost === 0 && duplicated === 0;
  const accepted = attempts.filter((a) => a.accepted).length;
  const text = [
    ...lines,
    '',
    `${attempts.length} checkouts attempted, ${accepted} accepted (202): ${lost} lost, ${duplicated} duplicated; ` +
      `${leftovers.explainedDeadLetters} dead letters, all of them the rig's poison` +
      (leftovers.unexplainedDeadLetters.length
        ? ` but ${leftovers.unexplainedDeadLetters.length} unexplained`
        : '') +
      `; ${leftovers.stuckOutboxRows.length} stuck outbox rows; ${unexpectedExits.length} services down without being killed`,
    ...problems.map((problem) => `  ${problem}`),
    passed ? 'chaos: passed' : 'chaos: FAILED',
  ].join('\n');
  return { text, passed };
}
