/** Display helpers for device limits, sizes, counts and durations. */
const BYTE_LIMITS = /Size$|BufferSize$|BindingSize$|StorageSize$/;

export function formatLimit(name: string, value: number): string {
  if (!BYTE_LIMITS.test(name)) return value.toLocaleString('en-US');
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${v.toLocaleString('en-US')} ${units[u]}`;
}

/** 1.2 GB, 340 MB, 12 kB (decimal units, as download sizes are quoted). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** 1.05M, 124M, 1.1B parameters. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** 42 s, 3 min 5 s, 1 h 2 min. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "1 edit", "1,000 edits", "no records": a count with its noun agreeing. */
export function countOf(n: number, noun: string, pluralNoun = `${noun}s`): string {
  if (n === 0) return `no ${pluralNoun}`;
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : pluralNoun}`;
}
