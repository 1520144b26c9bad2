import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { CliError } from './runtime.ts';

export interface TypedLine {
  value: string;
  state: 'typing' | 'done' | 'cancelled';
}

/** Applies keystrokes from a raw-mode terminal: Enter finishes, Ctrl-C or Ctrl-D cancels, Backspace deletes. */
export function typeKeys(value: string, chunk: string): TypedLine {
  let chars = Array.from(value);
  // Arrow keys, Delete and bracketed-paste markers arrive as escape sequences, not text.
  const keys = chunk.replace(/\u001b(\[[0-9;]*[A-Za-z~]|O.)?/g, '');
  for (const ch of keys) {
    if (ch === '\r' || ch === '\n') return { value: chars.join(''), state: 'done' };
    if (ch === '\u0003' || ch === '\u0004') return { value: '', state: 'cancelled' };
    if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
    else if (ch >= ' ') chars.push(ch);
  }
  return { value: chars.join(''), state: 'typing' };
}

/** Asks on the terminal without echoing what is typed (not even asterisks: length is a hint too). */
function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      const typed = typeKeys(value, chunk);
      value = typed.value;
      if (typed.state === 'typing') return;
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (typed.state === 'cancelled') reject(new CliError('Cancelled.', 130));
      else resolve(value);
    };
    input.on('data', onData);
  });
}

function firstLine(content: string): string {
  return content.split(/\r?\n/)[0] ?? '';
}

/**
 * The new password, from the first line of --password-file, from a hidden prompt asked
 * twice on a terminal, or from the first line of standard input when it is piped.
 */
export async function readNewPassword(passwordFile: string | undefined): Promise<string> {
  let password: string;
  if (passwordFile) {
    try {
      password = firstLine(readFileSync(passwordFile, 'utf8'));
    } catch (err) {
      throw new CliError(`Cannot read the password file ${passwordFile}: ${(err as Error).message}`);
    }
  } else if (process.stdin.isTTY) {
    password = await askHidden('New password (10 or more characters): ');
    const again = await askHidden('Repeat it: ');
    if (again !== password) throw new CliError('The two passwords differ; nothing was changed.');
  } else {
    password = firstLine(await text(process.stdin));
  }
  if (!password) {
    throw new CliError('No password given: type it at the prompt, pipe it on standard input, or use --password-file FILE.');
  }
  return password;
}
