import type { Ctx } from '../core/context.ts';
import { open, type DataKey } from '../core/crypto.ts';
import { instant } from '../core/clock.ts';
import { relativeRelease } from '../core/tz.ts';
import { prepared } from '../store/prepared.ts';
import { aad, actionKey } from './keys.ts';
import { placeSchema, tierRank, tiers, type Place, type Tier } from './model.ts';
import { isMarshalOf, type ActionAccess } from './policy.ts';
import type { ActionNodeRow, ActionRow, DisclosureRow } from './rows.ts';
import type { ConsoleDisclosure } from './views.ts';

/**
 * THE place that decides which disclosures a tier sees — API views, the live channel's
 * catch-up and releases, the calendar and playbooks all come through here. A disclosure is
 * opened only after it has been decided visible, so nothing decrypted is ever dropped on
 * the floor where a log or an error could pick it up.
 */
export interface OpenedDisclosure {
  id: string;
  tier: Tier;
  /** Node start + offset, an ISO instant. */
  releaseAt: string;
  text: string;
  place: Place | null;
}

export interface VisibilityOptions {
  /** Marshals only, for the organizer console: include what is not released yet. */
  includeUnreleased?: boolean;
}

/** When a disclosure goes out at a node: real minutes from the start, whatever DST does meanwhile. */
export function releaseOf(node: Pick<ActionNodeRow, 'starts_at'>, offsetMinutes: number): Date {
  return relativeRelease(new Date(node.starts_at), offsetMinutes);
}

/** The rule itself: tier at or below the holder's, and released — unless a marshal asks for everything. */
function mayOpen(row: DisclosureRow, node: ActionNodeRow, holder: Tier, now: Date, options: VisibilityOptions): boolean {
  if (!tiers.includes(holder) || tierRank(row.tier) > tierRank(holder)) return false;
  if (holder === 'marshal' && options.includeUnreleased === true) return true;
  return releaseOf(node, row.offset_minutes).getTime() <= now.getTime();
}

/** Whether the holder of `tier` may see anything of this node: participants only a published action's active nodes. */
function mayLook(action: ActionRow, node: ActionNodeRow, tier: Tier): boolean {
  if (node.action_id !== action.id) throw new Error(`node ${node.id} is not part of action ${action.id}`);
  if (action.status === 'erased' || action.wrapped_key === null) return false;
  // A release timer firing for a draft or a node still awaiting approval sends nothing.
  return tier === 'marshal' || (action.status === 'published' && node.status === 'active');
}

/** That node's and every-node disclosures, unopened. */
const disclosuresAt = prepared(2, (db, actionId: string, nodeId: string) =>
  db.selectFrom('disclosures').selectAll().where('action_id', '=', actionId).where((eb) => eb.or([eb('node_id', '=', nodeId), eb('node_id', 'is', null)])));

/** Opens what has been decided visible, in release order. */
function openDue(ctx: Ctx, action: ActionRow, node: ActionNodeRow, due: DisclosureRow[]): OpenedDisclosure[] {
  if (due.length === 0) return [];
  const key = actionKey(ctx, action);
  return due
    .map((row) => ({ id: row.id, tier: row.tier as Tier, releaseAt: instant(releaseOf(node, row.offset_minutes)), ...openPayload(key, row) }))
    .sort((a, b) => a.releaseAt.localeCompare(b.releaseAt) || a.id.localeCompare(b.id));
}

/** Disclosures the holder of `tier` at `node` may see at `now`: that node's and every-node ones, in release order. */
export async function visibleDisclosures(
  ctx: Ctx,
  action: ActionRow,
  node: ActionNodeRow,
  tier: Tier,
  now: Date,
  options: VisibilityOptions = {},
): Promise<OpenedDisclosure[]> {
  if (!mayLook(action, node, tier)) return [];
  const rows = await disclosuresAt(ctx.db, action.id, node.id);
  return openDue(ctx, action, node, rows.filter((row) => mayOpen(row, node, tier, now, options)));
}

/**
 * What moving from tier `from` to tier `to` at `node` unlocks at `now`: visible to `to` and
 * not to `from` (released ones only). Only those are opened.
 */
export async function unlockedDisclosures(ctx: Ctx, action: ActionRow, node: ActionNodeRow, from: Tier, to: Tier, now: Date): Promise<OpenedDisclosure[]> {
  if (!mayLook(action, node, to)) return [];
  const before = mayLook(action, node, from);
  const rows = await disclosuresAt(ctx.db, action.id, node.id);
  return openDue(ctx, action, node, rows.filter((row) => mayOpen(row, node, to, now, {}) && !(before && mayOpen(row, node, from, now, {}))));
}

/**
 * Every (node, instant) at which something is released to participants, for the release
 * timers: read from ids and offsets only, nothing is opened. Empty unless published.
 */
export async function releaseInstants(ctx: Ctx, action: ActionRow): Promise<{ nodeId: string; releaseAt: string }[]> {
  if (action.status !== 'published' || action.wrapped_key === null) return [];
  const rows = await ctx.db
    .selectFrom('disclosures')
    .innerJoin('action_nodes', (join) =>
      join.on('action_nodes.action_id', '=', action.id).on((eb) => eb.or([eb('disclosures.node_id', 'is', null), eb('disclosures.node_id', '=', eb.ref('action_nodes.id'))])),
    )
    .select(['action_nodes.id as node_id', 'action_nodes.starts_at', 'disclosures.offset_minutes'])
    .where('disclosures.action_id', '=', action.id)
    .where('action_nodes.status', '=', 'active')
    .where('disclosures.tier', '!=', 'marshal')
    .execute();
  const due = new Map<string, { nodeId: string; releaseAt: string }>();
  for (const row of rows) {
    const releaseAt = instant(releaseOf(row, row.offset_minutes));
    due.set(`${row.node_id}~${releaseAt}`, { nodeId: row.node_id, releaseAt });
  }
  return [...due.values()].sort((a, b) => a.releaseAt.localeCompare(b.releaseAt) || a.nodeId.localeCompare(b.nodeId));
}

/**
 * The organizer console: every disclosure of the nodes the caller marshals, released or
 * not, with its release instant at each of those nodes. Organizers (who marshal every node)
 * also see every-node disclosures of an action that has no nodes yet.
 */
export async function consoleDisclosures(ctx: Ctx, access: ActionAccess, nodes: readonly ActionNodeRow[], now: Date): Promise<ConsoleDisclosure[]> {
  const { action } = access;
  if (action.status === 'erased' || action.wrapped_key === null) return [];
  const mine = nodes.filter((node) => node.action_id === action.id && isMarshalOf(access, node.id));
  if (!access.organizer && mine.length === 0) return [];
  const rows = await ctx.db.selectFrom('disclosures').selectAll().where('action_id', '=', action.id).orderBy('id').execute();
  const mineIds = new Set(mine.map((node) => node.id));
  const shown = rows.filter((row) => access.organizer || row.node_id === null || mineIds.has(row.node_id));
  if (shown.length === 0) return [];
  const key = actionKey(ctx, action);
  return shown.map((row) => {
    const at = row.node_id === null ? mine : mine.filter((node) => node.id === row.node_id);
    const releases = at.map((node) => {
      const releaseAt = releaseOf(node, row.offset_minutes);
      return { nodeId: node.id, city: node.city, releaseAt: instant(releaseAt), released: releaseAt.getTime() <= now.getTime() };
    });
    return {
      id: row.id,
      tier: row.tier as Tier,
      offsetMinutes: row.offset_minutes,
      nodeId: row.node_id,
      ...openPayload(key, row),
      releases,
      createdAt: row.created_at,
    };
  });
}

function openPayload(key: DataKey, row: DisclosureRow): { text: string; place: Place | null } {
  let payload: { text?: unknown; place?: unknown };
  try {
    payload = JSON.parse(open(key, row.sealed, aad.disclosure(row.id))) as typeof payload;
  } catch (err) {
    // A JSON SyntaxError quotes the text it choked on; that must not reach a log.
    if (err instanceof SyntaxError) throw new Error(`disclosure ${row.id} opened to something that is not its JSON payload`);
    throw err;
  }
  const place = placeSchema.safeParse(payload.place);
  return { text: typeof payload.text === 'string' ? payload.text : '', place: place.success ? place.data : null };
}
