/**
 * A JSON checkpoint on local disk, replaced atomically (write a temporary file, then rename) so a run
 * killed mid-write leaves the previous checkpoint, never half of one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

let temporaryCount = 0;

export class CheckpointFile<T> {
  readonly path: string;
  #queue: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Saves are serialized: parallel workers share one file, and the last state written must win. */
  save(state: T): Promise<void> {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    const write = async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.${++temporaryCount}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.path);
    };
    this.#queue = this.#queue.then(write, write);
    return this.#queue;
  }
}
