/**
 * docker's prompt.Confirm: print "<message> [y/N] ", read one line, accept
 * "y"/"Y". No input (EOF) counts as no.
 */
import type { BerthCli } from '../cli-context.js';

export async function confirm(cli: BerthCli, message: string): Promise<boolean> {
  cli.out.write(`${message} [y/N] `);
  const line = await readLine(cli.in);
  return line.trim().toLowerCase() === 'y';
}

function readLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => {
      input.off('data', onData);
      input.off('end', done);
      input.pause();
      resolve(text);
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        text = text.slice(0, nl);
        done();
      }
    };
    input.on('data', onData);
    input.once('end', done);
    input.resume();
  });
}
