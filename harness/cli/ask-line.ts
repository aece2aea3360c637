import { createInterface } from 'node:readline/promises';

/**
 * One question on the terminal, one line back: the `ask` of `confirmNonLoopback`. The prompt goes
 * to stderr by default so that stdout stays clean for piping the run's output.
 */
export async function askLine(
  question: string,
  streams: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stderr },
): Promise<string> {
  const rl = createInterface({ input: streams.input, output: streams.output, terminal: false });
  try {
    // A closed stdin (Ctrl-D) is a "no", not a hang.
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    return await Promise.race([rl.question(question), closed]);
  } finally {
    rl.close();
  }
}
