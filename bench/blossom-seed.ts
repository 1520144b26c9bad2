import { loadConfig } from '../src/config.ts';
import { createAccount } from '../src/accounts/service.ts';
import { createAccessToken } from '../src/accounts/tokens.ts';
import { createAction, publishAction } from '../src/actions/actions.ts';
import { createDisclosure } from '../src/actions/disclosures.ts';
import { addNode } from '../src/actions/nodes.ts';
import { instant, systemClock } from '../src/core/clock.ts';
import type { Ctx } from '../src/core/context.ts';
import { hashToken, secretToken, uuidv7 } from '../src/core/ids.ts';
import { createGroup } from '../src/groups/service.ts';
import { openStore } from '../src/store/store.ts';

/** What the crowd and the organizer need to know about the seeded action. */
export interface RevealSeed {
  slug: string;
  nodeId: string;
  /** The present-tier target. */
  disclosureId: string;
  /** One device ticket per client, each checked in at the node. */
  tickets: string[];
  /** The organizer's API token, to move the reveal once the crowd is connected. */
  organizerToken: string;
}

/** Where Blossom keeps its data for this run: SQLite in `dataDir`, or a scratch PostgreSQL schema. */
export interface SeedTarget {
  dataDir: string;
  postgres?: { url: string; schema: string } | undefined;
}

/** The action starts this far out until the bench moves it to a few seconds ahead. */
const parkedStartMs = 24 * 3600_000;

/**
 * Writes, before Blossom starts, what a real reveal has: an organizer and their group, a
 * published action with one node, a present-tier target released at the node's start, and
 * `clients` device tickets (checked in unless the check-in itself is what is measured).
 * Everything goes through Blossom's own service functions except the RSVPs, which are
 * written as rows: N RSVP requests would only make seeding slow.
 */
export async function seedReveal(where: SeedTarget, clients: number, options: { checkedIn?: boolean } = {}): Promise<RevealSeed> {
  const config = loadConfig({ BLOSSOM_DATA_DIR: where.dataDir, BLOSSOM_LOG_LEVEL: 'error' });
  const store = await openStore(where.postgres ? { databaseUrl: where.postgres.url, schema: where.postgres.schema, poolSize: 2 } : { sqlitePath: config.sqlitePath });
  try {
    await store.migrate();
    const base: Ctx = { db: store.db, clock: systemClock, config, actor: null };
    const organizer = await createAccount(base, { handle: 'bench_organizer', password: secretToken() });
    const ctx: Ctx = { ...base, actor: { userId: organizer.id, handle: organizer.handle, isAdmin: false } };
    const group = await createGroup(ctx, { name: 'Bench Reveal Crew', kind: 'affinity', visibility: 'public', joinPolicy: 'open' });
    const action = await createAction(ctx, group.slug, {
      title: 'Bloom at the bank',
      call: 'Meet at the staging point; the target comes at the minute.',
      visibility: 'open',
      timing: { mode: 'same-instant', at: new Date(Date.now() + parkedStartMs).toISOString() },
      durationMinutes: 60,
    });
    const node = await addNode(ctx, action.slug, { city: 'Loopback', zone: 'UTC' });
    const target = await createDisclosure(ctx, action.slug, {
      tier: 'present',
      offsetMinutes: 0,
      nodeId: node.id,
      text: 'The target: the bank lobby on Market Street. Walk in together at the whistle; banners out, sit down, sing.',
      place: { label: 'Market Street, north entrance', lat: 51.51, lon: -0.09 },
    });
    await publishAction(ctx, action.slug);
    const { token } = await createAccessToken(ctx, 'reveal bench');
    const { id: actionId } = await store.db.selectFrom('actions').select('id').where('slug', '=', action.slug).executeTakeFirstOrThrow();
    const tickets = await writeRsvps(ctx, actionId, node.id, clients, options.checkedIn ?? true);
    return { slug: action.slug, nodeId: node.id, disclosureId: target.id, tickets, organizerToken: token };
  } finally {
    await store.close();
  }
}

async function writeRsvps(ctx: Ctx, actionId: string, nodeId: string, clients: number, checkedIn: boolean): Promise<string[]> {
  const tickets = Array.from({ length: clients }, () => secretToken());
  const now = instant(ctx.clock.now());
  await ctx.db.transaction().execute(async (trx) => {
    for (let from = 0; from < tickets.length; from += 500) {
      const rows = tickets.slice(from, from + 500).map((ticket) => ({
        id: uuidv7(),
        action_id: actionId,
        node_id: nodeId,
        ticket_hash: hashToken(ticket),
        user_id: null,
        checked_in_at: checkedIn ? now : null,
        created_at: now,
      }));
      await trx.insertInto('rsvps').values(rows).execute();
    }
  });
  return tickets;
}
