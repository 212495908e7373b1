/** The machine a table came from: CPU model, cores, memory, Node version. */
import { cpus, totalmem } from 'node:os';

export function machineNote(extra = ''): string {
  const c = cpus();
  return `Machine: ${c[0]?.model ?? 'unknown CPU'}, ${c.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}${extra ? `, ${extra}` : ''}.`;
}
