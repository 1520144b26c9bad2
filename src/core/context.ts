import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Clock } from './clock.ts';
import type { Config } from '../config.ts';

/** Who is asking. Anonymous callers have no actor at all. */
export interface Actor {
  userId: string;
  handle: string;
  isAdmin: boolean;
}

/** What every service function takes: plain data and the clock, nothing global. */
export interface Ctx {
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  actor: Actor | null;
}
