import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A file or response that cannot be read or parsed: exit status 2, the message names the flag. */
export class SourceError extends Error {}

/** Parsed JSON values, one per non-blank line, as the chunks arrive (never the whole text at once). */
export async function* ndjson(chunks: AsyncIterable<Uint8Array | string>, name: string): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let rest = '';
  let line = 0;
  const parse = (text: string) => {
    line++;
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SourceError(`${name} line ${line} is not JSON: ${text.slice(0, 80)}`);
    }
  };
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = rest.indexOf('\n', start)) >= 0) {
      const value = parse(rest.slice(start, nl));
      start = nl + 1;
      if (value !== undefined) yield value;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  const last = parse(rest);
  if (last !== undefined) yield last;
}

/** The lines of a file, read as a stream; an unreadable file is a SourceError naming the flag. */
export async function* ndjsonFile(path: string, flag: string): AsyncGenerator<unknown> {
  try {
    yield* ndjson(createReadStream(path), `${flag} ${path}`);
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(`${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
}

export async function jsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SourceError(`${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SourceError(`${flag}: ${path} is not JSON`);
  }
}
