import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A received message, as the mail server saw it. */
export interface Received {
  from: string;
  to: string[];
  /** Decoded subject and body (nodemailer encodes non-ASCII and folds long lines). */
  subject: string;
  text: string;
  raw: string;
}

const bytes = (qp: string): string =>
  Buffer.from(qp.replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

/** Just enough MIME for tests: unfolds headers, decodes Q-encoded words and a quoted-printable body. */
export function decode(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let text = raw.slice(split + 4);
  const subject = (/^Subject: (.*)$/im.exec(head)?.[1] ?? '')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_m, word: string) => bytes(word.replace(/_/g, ' ')));
  if (/^Content-Transfer-Encoding: quoted-printable/im.test(head)) text = bytes(text.replace(/=\r\n/g, ''));
  return { subject, text };
}

export interface TestSmtp {
  /** For BLOSSOM_SMTP_URL. */
  url: string;
  received: Received[];
  /** Answers RCPT TO with a temporary failure while true, as a busy or broken server would. */
  refuse: boolean;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 for tests: plain text, no auth, no STARTTLS. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const received: Received[] = [];
  const state: TestSmtp = { url: '', received, refuse: false, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!state.refuse) return callback();
      callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), ...decode(raw), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
