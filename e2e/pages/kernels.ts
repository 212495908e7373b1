import { runHarnessChecks, runKernelChecks } from './kernel-checks';

declare global {
  interface Window {
    kernelChecks: { runKernelChecks: typeof runKernelChecks; runHarnessChecks: typeof runHarnessChecks };
  }
}

window.kernelChecks = { runKernelChecks, runHarnessChecks };
document.getElementById('out')!.textContent = 'ready: call window.kernelChecks.runKernelChecks()';
