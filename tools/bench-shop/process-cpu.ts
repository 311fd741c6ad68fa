import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc times (USER_HZ): 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command (in parentheses, which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime is the 14th field of the line, stime the 15th: 11 and 12 after the command.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : NaN;
}

/**
 * CPU seconds of a process and all its children so far: its own time, the time of the children
 * it has waited for (cutime, cstime) and that of those still running. For Postgres, whose
 * postmaster forks a process per connection and per background worker.
 */
export function treeCpuSeconds(rootPid: number): number {
  const root = statFields(rootPid);
  if (!root) return NaN;
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === rootPid) continue;
    const fields = statFields(pid);
    // ppid is the 4th field of the line: 1 after the command.
    if (fields && Number(fields[1]) === rootPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}
