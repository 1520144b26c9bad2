import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import type { Logger } from '../core/log.ts';
import { JobFailure, type JobHandler, type JobPayload } from '../jobs/model.ts';
import { scheduleJob } from '../jobs/schedule.ts';
import type { Database } from '../store/schema.ts';
import type { MailMessage, Mailer } from './mailer.ts';

/**
 * Mail goes out through a durable job, so a mail server that is down delays a message
 * instead of losing it, and the request that caused it never waits on SMTP. Like every job
 * payload, a mail job holds ids only: the template's composer reads the recipient and the
 * content when the job runs, so an address is never written to the jobs table, and a
 * message about something erased in the meantime is simply not sent.
 */
export const mailJobKind = 'mail.send';

/** Builds a message from ids at send time; null when there is nobody (left) to write to. */
export type MailComposer = (ctx: Ctx, payload: JobPayload) => Promise<MailMessage | null>;

/** Queues a message; pass the transaction of the change it reports, so both happen or neither. */
export async function queueMail(db: Kysely<Database>, clock: Clock, template: string, ids: Record<string, string>): Promise<string> {
  return scheduleJob(db, { kind: mailJobKind, runAt: clock.now(), payload: { ...ids, template } }, clock);
}

export interface MailHandlerDeps {
  ctx: Ctx;
  mailer: Mailer;
  composers: Readonly<Record<string, MailComposer>>;
  log?: Logger | undefined;
}

/** The `mail.send` handler. Logs name the template only: never an address or a body. */
export function mailHandler(deps: MailHandlerDeps): JobHandler {
  return async (job) => {
    const template = String(job.payload.template ?? '');
    const compose = deps.composers[template];
    if (!compose) throw new JobFailure(`no composer for mail template "${template.slice(0, 60)}"`);
    const message = await compose(deps.ctx, job.payload);
    if (!message) {
      deps.log?.debug('mail not needed', { template });
      return;
    }
    if (!deps.mailer.enabled) {
      deps.log?.info('mail skipped: BLOSSOM_SMTP_URL is not set', { template });
      return;
    }
    try {
      await deps.mailer.send(message);
    } catch (err) {
      // SMTP errors quote recipients; keep only the codes.
      const { code, responseCode } = err as { code?: unknown; responseCode?: unknown };
      throw new JobFailure(`mail not sent (${[code, responseCode].filter((v) => v !== undefined).join(' ') || 'error'})`);
    }
    deps.log?.info('mail sent', { template });
  };
}
