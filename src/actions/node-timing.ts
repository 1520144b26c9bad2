import type { Kysely } from 'kysely';
import { instant } from '../core/clock.ts';
import { resolveStart, type TimingFieldNames } from '../core/tz.ts';
import type { Database } from '../store/schema.ts';
import type { Timing } from './model.ts';
import type { ActionRow } from './rows.ts';

/**
 * A node's start and dispersal follow from the action's timing and the node's zone. They
 * are stored resolved (so "what is due now" is one indexed comparison) and resolved again
 * whenever the timing, the duration or the zone changes.
 */
type Timed = Pick<ActionRow, 'timing_mode' | 'timing_at' | 'duration_minutes'>;

export function timingOf(action: Pick<ActionRow, 'timing_mode' | 'timing_at'>): Timing {
  return action.timing_mode === 'same-local' ? { mode: 'same-local', wall: action.timing_at } : { mode: 'same-instant', at: action.timing_at };
}

/** What `timing_at` stores: the instant in canonical UTC text, or the wall time as given. */
export function storedTiming(timing: Timing): Pick<ActionRow, 'timing_mode' | 'timing_at'> {
  if (timing.mode === 'same-local') return { timing_mode: 'same-local', timing_at: timing.wall };
  return { timing_mode: 'same-instant', timing_at: instant(resolveStart(timing, 'UTC', { timing: 'timing' })) };
}

export function nodeTimes(action: Timed, zone: string, names: TimingFieldNames = { timing: 'timing', zone: 'zone' }): { starts_at: string; ends_at: string } {
  const start = resolveStart(timingOf(action), zone, names);
  const end = new Date(start.getTime() + Number(action.duration_minutes) * 60_000);
  return { starts_at: instant(start), ends_at: instant(end) };
}

/** Every node of the action moves with a changed timing; run inside the transaction that changes it. */
export async function reResolveNodes(db: Kysely<Database>, action: Timed & Pick<ActionRow, 'id'>): Promise<void> {
  const nodes = await db.selectFrom('action_nodes').select(['id', 'zone']).where('action_id', '=', action.id).execute();
  for (const node of nodes) {
    await db.updateTable('action_nodes').set(nodeTimes(action, node.zone)).where('id', '=', node.id).execute();
  }
}
