import { readFileSync } from 'node:fs';

/**
 * How busy the machine is, to judge whether figures are the servers' own or the result of
 * other programs competing for the CPU (a shared 2-core machine is noisy).
 */
export interface MachineSample {
  at: number;
  /** /proc/stat jiffies: busy and total over all CPUs (null off Linux). */
  busy: number | null;
  total: number | null;
  /** /proc/pressure/cpu "some" total, µs: time at least one runnable task waited for a CPU. */
  pressureUs: number | null;
  /** This process's CPU time, µs. */
  ownCpuUs: number;
}

export function sampleMachine(): MachineSample {
  let busy: number | null = null;
  let total: number | null = null;
  let pressureUs: number | null = null;
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    busy = user + nice + system + irq + softirq + steal;
    total = busy + idle + iowait;
  } catch {
    // not Linux
  }
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    pressureUs = some ? Number(some[1]) : null;
  } catch {
    // no PSI
  }
  const own = process.cpuUsage();
  return { at: performance.now(), busy, total, pressureUs, ownCpuUs: own.user + own.system };
}

export interface MachineLoad {
  /** Share of all CPUs busy (any process), %. */
  machineBusyPct: number | null;
  /** Share of wall time some task waited for a CPU, %. */
  cpuPressurePct: number | null;
  /** The load generator (this process), % of one CPU. */
  loadGeneratorCpuPct: number;
}

const pct = (value: number) => Math.round(value * 1000) / 10;

export function machineLoadBetween(start: MachineSample, end: MachineSample): MachineLoad {
  const wallUs = (end.at - start.at) * 1000;
  return {
    machineBusyPct: start.busy !== null && end.busy !== null && start.total !== null && end.total !== null && end.total > start.total ? pct((end.busy - start.busy) / (end.total - start.total)) : null,
    cpuPressurePct: start.pressureUs !== null && end.pressureUs !== null ? pct((end.pressureUs - start.pressureUs) / wallUs) : null,
    loadGeneratorCpuPct: pct((end.ownCpuUs - start.ownCpuUs) / wallUs),
  };
}

/** CPU % (of one CPU) a server used between two of its metrics samples. */
export function serverCpuPct(start: { cpuUs: { user: number; system: number } }, end: { cpuUs: { user: number; system: number } }, wallMs: number): number {
  return pct((end.cpuUs.user + end.cpuUs.system - start.cpuUs.user - start.cpuUs.system) / (wallMs * 1000));
}
