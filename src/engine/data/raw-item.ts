/** What a container reader (JSON array, JSONL, CSV) hands to normalization: one element or one problem. */
export interface RawItem {
  /** 0-based position of the record in the file (blank lines are not records). */
  index: number;
  /** 1-based line where the record starts. */
  line: number;
  /** The parsed element (JSON value, or a CSV row as {header: value}). Absent when `problem` is set. */
  value?: unknown;
  /** Why the record could not be read. */
  problem?: string;
  /** Reading cannot go on past this problem (a JSON syntax error, an unterminated CSV quote). */
  fatal?: boolean;
}

export interface ContainerOptions {
  /**
   * Raw bytes one record may take before it is refused. Bounds memory: a record is buffered whole
   * before it is parsed, so a file that is one giant string cannot exhaust it.
   */
  maxRecordBytes: number;
}
