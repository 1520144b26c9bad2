import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import type { Logger } from '../core/log.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { mailHandler, mailJobKind, type MailComposer } from '../mail/outbox.ts';
import type { Store } from '../store/store.ts';
import { eraseClosedNeed, expireNeed, expireOffer, needErasureJob, needExpiryJob, offerExpiryJob } from './erasure.ts';
import { composeNeedMail, needMailTemplate } from './notify.ts';

/** The mail templates mutual aid sends, for the `mail.send` handler. */
export const aidMailComposers: Readonly<Record<string, MailComposer>> = { [needMailTemplate]: composeNeedMail };

/** Expiry and erasure of needs, expiry of offers. Job contexts act as nobody. */
export function registerAidJobs(runner: JobRunner, ctx: Ctx): JobRunner {
  return runner
    .register(needExpiryJob, (job) => expireNeed(ctx, String(job.payload.needId)))
    .register(needErasureJob, (job) => eraseClosedNeed(ctx, String(job.payload.needId)))
    .register(offerExpiryJob, (job) => expireOffer(ctx, String(job.payload.offerId)));
}

export interface AidWork {
  mailer: Mailer;
  /** Closes the mail transport; call after the runner has stopped. */
  stop(): void;
}

/**
 * Registers mutual aid's timers and the `mail.send` handler (with mutual aid's templates) on
 * the process's job runner. Called by main.ts before the runner starts.
 */
export function startAidWork(deps: { store: Pick<Store, 'db'>; clock: Clock; config: Config; log: Logger; jobs: JobRunner; mailer?: Mailer }): AidWork {
  const ctx: Ctx = { db: deps.store.db, clock: deps.clock, config: deps.config, actor: null };
  const mailer = deps.mailer ?? createMailer(deps.config);
  if (!mailer.enabled) deps.log.info('mail is off: set BLOSSOM_SMTP_URL to send it');
  registerAidJobs(deps.jobs, ctx).register(mailJobKind, mailHandler({ ctx, mailer, composers: aidMailComposers, log: deps.log }));
  return { mailer, stop: () => mailer.close() };
}
