/** The editor kernel checks (editor-kernel-checks.ts) as the harness page's window.editorKernelChecks. */
import { runCheckpointChecks, runEigenChecks, runEditorKernelChecks, runGpuEditorChecks } from './editor-kernel-checks';
import { runCholeskyChecks } from './cholesky-checks';

declare global {
  interface Window {
    editorKernelChecks: {
      runEditorKernelChecks: typeof runEditorKernelChecks;
      runCholeskyChecks: typeof runCholeskyChecks;
      runGpuEditorChecks: typeof runGpuEditorChecks;
      runCheckpointChecks: typeof runCheckpointChecks;
      runEigenChecks: typeof runEigenChecks;
    };
  }
}

window.editorKernelChecks = {
  runEditorKernelChecks,
  runGpuEditorChecks,
  runCheckpointChecks,
  runEigenChecks,
  runCholeskyChecks,
};
document.getElementById('out')!.textContent = 'ready: call window.editorKernelChecks.runEditorKernelChecks()';
