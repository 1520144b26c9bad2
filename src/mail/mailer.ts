import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends one message, or reports that mail is switched off. Throws when the server refuses. */
export interface Mailer {
  readonly enabled: boolean;
  send(message: MailMessage): Promise<'sent' | 'disabled'>;
  close(): void;
}

/**
 * A nodemailer SMTP transport from BLOSSOM_SMTP_URL; without it, a mailer that sends
 * nothing. Timeouts are short because a mail job holds a lease: a hung server should fail
 * the attempt and let the job retry, not stall it for nodemailer's default two minutes.
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): Mailer {
  const url = config.smtpUrl;
  if (!url) return { enabled: false, send: async () => 'disabled', close: () => {} };
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    enabled: true,
    async send(message) {
      await transport.sendMail({ from: config.mailFrom, to: message.to, subject: message.subject, text: message.text });
      return 'sent';
    },
    close: () => transport.close(),
  };
}
