/** Display helpers for device limits. */
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
