import { describe, expect, it } from 'vitest';
import { build, fdError } from './gradcheck';
import { OP_CASES } from './cases';

// float64 interpreter, central differences with h = 1e-6: truncation ~h² and rounding ~1e-16/h
// keep the true error near 1e-10, so 1e-6 leaves margin without hiding a wrong VJP.
describe('VJPs vs central finite differences (float64)', () => {
  for (const c of OP_CASES) {
    it(c.name, () => {
      const { err, worst } = fdError(build(c.fn, c.specs));
      expect(err, `worst input ${worst}`).toBeLessThanOrEqual(1e-6);
    });
  }
});
