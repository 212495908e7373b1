import { describe, expect, it } from 'vitest';
import { pack, unpack } from '../util/pack';
import { CheckpointRefused, describeMismatch, openSealedCheckpoint, sealCheckpoint, sha256Hex } from './checkpoint-seal';

describe('checkpoint seal', () => {
  const payload = pack({ nextStep: 3, weights: { w: Float32Array.from([1, 2, 3]) } });

  it('round-trips the payload bit for bit, and the SHA-256 is the standard one', async () => {
    const sealed = await sealCheckpoint(payload);
    const { payload: back, sealed: wasSealed } = await openSealedCheckpoint(sealed, 'c.bin');
    expect(wasSealed).toBe(true);
    expect(back).toEqual(payload);
    expect(unpack<{ nextStep: number }>(back).nextStep).toBe(3);
    // FIPS 180-2 test vector
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses every single-bit flip, truncation and foreign bytes, naming the file', async () => {
    const sealed = await sealCheckpoint(payload);
    for (let i = 0; i < sealed.length; i += 7) {
      const b = sealed.slice();
      b[i] ^= 1 << (i % 8);
      await expect(openSealedCheckpoint(b, 'run/c.bin')).rejects.toThrow(/^run\/c\.bin: is damaged/);
    }
    for (const n of [0, 5, 20, sealed.length - 1])
      await expect(openSealedCheckpoint(sealed.subarray(0, n), 'c.bin')).rejects.toBeInstanceOf(CheckpointRefused);
    await expect(openSealedCheckpoint(new TextEncoder().encode('{"not": "a checkpoint"}'), 'c.bin')).rejects.toThrow(
      /does not start like a StableEdit Lab checkpoint/,
    );
  });

  it('passes an unsealed checkpoint of an older version through (its bytes are what pack wrote)', async () => {
    const { payload: back, sealed } = await openSealedCheckpoint(payload, 'c.bin');
    expect(sealed).toBe(false);
    expect(back).toBe(payload);
  });

  it('says what differs between the saved and the current settings and inputs', () => {
    const h = (c: string) => c.repeat(64);
    expect(
      describeMismatch(
        { config: { lr: 0.01, modules: ['a'] }, fingerprint: { data: h('a'), shuffle: 'none' } },
        { config: { lr: 0.02, modules: ['a'] }, fingerprint: { data: h('b'), shuffle: '5' } },
      ),
    ).toEqual([
      'lr: 0.01 in the checkpoint, 0.02 now',
      'data: SHA-256 aaaaaaaaaaaa… in the checkpoint, SHA-256 bbbbbbbbbbbb… now',
      'shuffle: none in the checkpoint, 5 now',
    ]);
    expect(describeMismatch({ config: { lr: 1 } }, { config: { lr: 1 } })).toEqual([]);
  });
});
