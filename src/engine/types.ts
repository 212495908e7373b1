/**
 * The few types that cross the engine's parts (data → run loop → runtime → editors). Each part owns
 * its own details; only what two or more parts exchange lives here.
 */

/** One fact edit, normalized from any dataset layout (docs/design.md §3). */
export interface EditRecord {
  /** 0-based position of the record in its source file. */
  index: number;
  prompt: string;
  answer: string;
  rephrase?: string;
  locPrompt?: string;
  locAnswer?: string;
  /** WikiBigEdit persona-styled prompt for the same fact. */
  personas?: string;
  /** WikiBigEdit two-hop question and its answer. */
  mhop?: string;
  mhopAnswer?: string;
  subject?: string;
  /** The answer before the edit, where the layout has one (EasyEdit ground_truth, answers[0]). */
  oldAnswer?: string;
  /**
   * KnowEdit's portability questions (Reasoning, Subject_Aliasing, Logical_Generalization …): what
   * the edit should carry over to, each with its answer.
   */
  portability?: PortabilityPair[];
}

export interface PortabilityPair {
  /** KnowEdit's group name ("Reasoning", "Subject_Aliasing", …). */
  kind: string;
  prompt: string;
  answer: string;
}

/** What the engine needs of a tokenizer: ids for text, text for ids. */
export interface TextTokenizer {
  /** addSpecialTokens follows HF semantics: BOS etc. as the tokenizer's post-processor says. */
  encode(text: string, addSpecialTokens: boolean): number[];
  decode(ids: number[]): string;
  readonly vocabSize: number;
  readonly padId: number;
  readonly eosId: number | null;
  /**
   * Ids of special added tokens (Gemma 3 text checkpoints list <image_soft_token> at 262,144, past
   * their 262,144-row embedding): the loader accepts those past vocab_size (model/load.ts).
   */
  readonly specialIds?: ReadonlySet<number>;
}

/** Keys and value gradients of one edited module for one sub-batch (docs/design.md §1 step 3). */
export interface ModuleCapture {
  module: string;
  /** rows = label positions in the sub-batch, row-major over (batch, position). */
  rows: number;
  dIn: number;
  dOut: number;
  /** [rows, dIn] module inputs. */
  keys: Float32Array;
  /** [rows, dOut] dL/d(module output). */
  grads: Float32Array;
}

/** One padded sub-batch as fed to the capture graph. */
export interface SubBatch {
  batch: number;
  seqLen: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  /** Flat positions b·seqLen + t where labels[b, t] != -100, in row-major order: the rows of K and G. */
  labelPositions: Int32Array;
  /** Which records (EditRecord.index) are in the sub-batch, in row order. */
  records: number[];
}

export interface SubBatchCapture {
  loss: number;
  modules: ModuleCapture[];
  /** When asked for: the residual stream entering the lowest edited block (see ModelRuntime.predictFrom). */
  residual?: Residual;
}

/**
 * The residual stream [batch, seqLen, hidden] entering block `layer` for a sub-batch, at the length
 * the runtime padded it to. Edits of blocks ≥ `layer` leave it unchanged, so a pass after them can
 * start there instead of at the embeddings.
 */
export interface Residual {
  layer: number;
  seqLen: number;
  data: Float32Array;
}

/**
 * A readable file, whatever holds it: a path in Node, a File in the browser, a cached Hub download.
 * Random access so safetensors and huge datasets are never read whole.
 */
export interface FileSource {
  readonly name: string;
  size(): Promise<number>;
  /** Bytes [start, end). */
  read(start: number, end: number): Promise<Uint8Array>;
  /** Sequential chunks of the whole file. */
  stream(): AsyncIterable<Uint8Array>;
}

/** A folder of files (a checkpoint in the Hub's layout). Returns null for a missing file. */
export interface FolderSource {
  readonly name: string;
  open(path: string): Promise<FileSource | null>;
}

/** Thrown for anything the user gave us that is wrong; `where` says which file/record/tensor. */
export class InputError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'InputError';
  }
}
