/**
 * Streams the elements of a top-level JSON array one at a time with @streamparser/json, so a
 * multi-GB file (UltraEditBench) is never held whole: the parser sees one chunk at a time,
 * `keepStack: false` drops each element once emitted, and nothing here keeps earlier chunks.
 *
 * A syntax error (a truncated file, invalid UTF-8 — the tokenizer decodes strictly) leaves the
 * parser unusable, so it is fatal: the items before it stand, reading stops there.
 */
import { TokenParser, TokenType, Tokenizer } from '@streamparser/json';
import type { FileSource } from '../types';
import { LineCounter, withoutBom } from './byte-stream';
import type { ContainerOptions, RawItem } from './raw-item';

export async function* readJsonArray(file: FileSource, opts: ContainerOptions): AsyncGenerator<RawItem> {
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({ paths: ['$.*'], keepStack: false });
  const lines = new LineCounter();
  const ready: RawItem[] = [];
  let depth = 0;
  let sawRoot = false;
  let index = 0;
  let elementStart = -1;
  let elementLine = 1;
  let lastOffset = 0;
  let ended = false;

  tokenizer.onToken = (info) => {
    lastOffset = info.offset;
    if (!sawRoot) {
      sawRoot = true;
      if (info.token !== TokenType.LEFT_BRACKET) throw new NotAnArray();
    }
    const opens = info.token === TokenType.LEFT_BRACE || info.token === TokenType.LEFT_BRACKET;
    const closes = info.token === TokenType.RIGHT_BRACE || info.token === TokenType.RIGHT_BRACKET;
    if (depth === 1 && !closes && info.token !== TokenType.COMMA) {
      elementStart = info.offset;
      elementLine = lines.lineAt(info.offset);
    }
    if (opens) depth++;
    if (closes) depth--;
    parser.write(info);
  };
  parser.onValue = ({ value }) => {
    ready.push({ index: index++, line: elementLine, value });
    elementStart = -1;
  };
  parser.onEnd = () => {
    ended = true;
  };

  const fail = (problem: string): RawItem => ({ index, line: lines.lineAt(lastOffset), problem, fatal: true });
  let offset = 0;
  for await (const chunk of withoutBom(file.stream())) {
    lines.setChunk(chunk, offset);
    try {
      tokenizer.write(chunk);
    } catch (e) {
      yield* ready.splice(0);
      yield fail(
        e instanceof NotAnArray ? 'the file is not a JSON array (it does not start with "[")' : `invalid JSON (${(e as Error).message})`,
      );
      return;
    }
    offset += chunk.length;
    yield* ready.splice(0);
    if (ended) break;
    if (elementStart >= 0 && offset - elementStart > opts.maxRecordBytes) {
      yield fail(`record is larger than ${opts.maxRecordBytes} bytes (maxRecordBytes); reading stops here`);
      return;
    }
  }
  if (!sawRoot) {
    yield fail('the file is empty');
    return;
  }
  if (!ended) {
    yield fail(`the JSON array is truncated: the file ends ${depth > 1 ? 'inside this record' : 'before the closing "]"'}`);
  }
}

class NotAnArray extends Error {}
