/**
 * A run checkpoint that knows whether it is intact and what it belongs to.
 *
 * Sealed layout: "SECK" magic, u32 version (1), the SHA-256 of the payload (32 bytes), the payload
 * (a `pack`ed checkpoint). Flipped bytes, truncation or a foreign file are refused with the file
 * named, instead of resuming with other numbers. The fingerprint (SHA-256 of the model, data and
 * warm-up files, and every setting that changes the numbers but is not in the run config) is stored
 * inside; `describeMismatch` says what differs between a checkpoint and the run trying to resume it.
 * Works in Node and in the browser (Web Crypto).
 */
import { InputError } from '../types';

const SEAL = 0x4b434553; // "SECK" little-endian
const PACKED = 0x504c4553; // "SELP": an unsealed checkpoint from before the seal
const HEADER = 8 + 32;

/** A checkpoint that cannot be used as it is; `reason` says why, for a caller to add how to go on. */
export class CheckpointRefused extends InputError {
  constructor(
    where: string,
    readonly reason: 'damaged' | 'mismatch',
    message: string,
  ) {
    super(where, message);
    this.name = 'CheckpointRefused';
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return hex(new Uint8Array(digest));
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function sealCheckpoint(payload: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(HEADER + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, SEAL, true);
  dv.setUint32(4, 1, true);
  out.set(new Uint8Array(await crypto.subtle.digest('SHA-256', payload as Uint8Array<ArrayBuffer>)), 8);
  out.set(payload, HEADER);
  return out;
}

/** The payload of a sealed checkpoint after its checksum is verified (an unsealed older one is passed through). */
export async function openSealedCheckpoint(bytes: Uint8Array, where: string): Promise<{ payload: Uint8Array; sealed: boolean }> {
  const damaged = (why: string) => new CheckpointRefused(where, 'damaged', `is damaged (${why})`);
  if (bytes.length < 8) throw damaged(`${bytes.length} bytes, too short to be a checkpoint`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, true);
  if (magic === PACKED) return { payload: bytes, sealed: false };
  if (magic !== SEAL) throw damaged('it does not start like a StableEdit Lab checkpoint');
  if (dv.getUint32(4, true) !== 1) throw damaged(`unknown checkpoint version ${dv.getUint32(4, true)}`);
  if (bytes.length < HEADER) throw damaged(`${bytes.length} bytes, the header is cut short`);
  const payload = bytes.subarray(HEADER);
  const want = hex(bytes.subarray(8, HEADER));
  const got = await sha256Hex(payload);
  if (got !== want) throw damaged(`its SHA-256 is ${got.slice(0, 12)}…, but it was written as ${want.slice(0, 12)}…: truncated or altered`);
  return { payload, sealed: true };
}

/**
 * What differs between the settings and fingerprint a checkpoint was written with and those of the
 * run trying to resume it, one phrase per difference (empty when they agree).
 */
export function describeMismatch(
  saved: { config: object; fingerprint?: Record<string, string> },
  now: { config: object; fingerprint?: Record<string, string> },
): string[] {
  const out: string[] = [];
  const a = saved.config as Record<string, unknown>;
  const b = now.config as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    const [x, y] = [JSON.stringify(a[k]), JSON.stringify(b[k])];
    if (x !== y) out.push(`${k}: ${x ?? 'unset'} in the checkpoint, ${y ?? 'unset'} now`);
  }
  const fa = saved.fingerprint ?? {};
  const fb = now.fingerprint ?? {};
  for (const k of [...new Set([...Object.keys(fa), ...Object.keys(fb)])]) {
    if (fa[k] === fb[k]) continue;
    const short = (v: string | undefined) => (v === undefined ? 'unset' : /^[0-9a-f]{64}$/.test(v) ? `SHA-256 ${v.slice(0, 12)}…` : v);
    out.push(`${k}: ${short(fa[k])} in the checkpoint, ${short(fb[k])} now`);
  }
  return out;
}
