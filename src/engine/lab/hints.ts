/** What to do next, for a failed command: shown beside the error where it happened. */
import type { CommandType } from '../../protocol/messages';

export function hintFor(command: CommandType, err: Error): string {
  const m = err.message;
  if (/repository \S+ not found|has no revision/.test(m))
    return 'Check the repo id (owner/name, as on huggingface.co) and the revision (branch, tag or commit); a private repository needs an access token.';
  if (/HTTP 401|HTTP 403|access denied/.test(m))
    return 'The repository is gated or private: accept its licence on huggingface.co and paste an access token (read scope), then load again.';
  if (/HTTP 404|not found/.test(m) && command === 'model/load')
    return 'Check the repo id and the revision (branch, tag or commit); the folder needs config.json, tokenizer.json and *.safetensors.';
  if (/Failed to fetch|NetworkError|network/i.test(m))
    return 'The network request failed: check the connection (or a proxy/CORS block), then try again. Files already downloaded are cached.';
  if (/out of memory|OutOfMemory|allocation/i.test(m))
    return 'The device ran out of memory: pick a smaller model or switch the backend to wasm (CPU).';
  switch (command) {
    case 'model/load':
      return 'Pick another model, or a folder with config.json, tokenizer.json and model.safetensors in the Hugging Face layout.';
    case 'data/scan':
      return 'Fix the file at the record named above, or choose “skip invalid records” and scan again.';
    case 'run/start':
      return /no model is loaded/.test(m)
        ? 'Load a model first (the Model panel). Nothing was started.'
        : /no dataset file/.test(m)
          ? 'Drop or pick an edit stream in the Data panel. Nothing was started.'
          : 'Change what the message names (settings, streams) and start again. Nothing was started or saved.';
    case 'run/reopen':
      return 'A restored run resumes from its last checkpoint with the model and dataset files it was started with; load that model again if the message asks for it. Nothing was changed.';
    case 'probe/ask':
    case 'edit/apply':
      return editHint(command, m);
    case 'export/weights':
    case 'export/per-edit':
      return 'Load a model (and finish a run for per-edit results), then export again.';
    default:
      return 'Try again; if it keeps failing, reload the page (runs and their data are kept).';
  }
}

/** The probe's and the interactive edit's hint: the one that fits what failed, never a guess at another cause. */
function editHint(command: 'probe/ask' | 'edit/apply', m: string): string {
  const unchanged = command === 'edit/apply' ? ' The model was not changed by the failed edit.' : '';
  if (/no model is loaded/.test(m)) return 'Load a model first (the Model panel).';
  if (/a run is going/.test(m)) return `Pause and stop the run (or let it finish), then try again.${unchanged}`;
  if (/position|context|too long|tokens? long/i.test(m)) return `Shorten the prompt or answer to fit the model’s context.${unchanged}`;
  if (/Data panel|no dataset file|no valid records/.test(m))
    return `Give the statistics records the message asks for, then try again.${unchanged}`;
  if (command === 'edit/apply') return `Change what the message names (the editor, its lr or λ, the modules) and apply again.${unchanged}`;
  return 'Change the prompt and ask again.';
}
