import { sql } from 'kysely';
import { instant } from '../core/clock.ts';
import type { Ctx } from '../core/context.ts';
import { notFound } from '../core/errors.ts';
import { hashToken, secretToken, uuidv7 } from '../core/ids.ts';
import { parseInput } from '../groups/model.ts';
import { isUniqueViolation } from '../store/errors.ts';
import { dialectOf, geoSlot, withinKm } from '../store/dialect/geo.ts';
import { scheduleNeedExpiry } from './erasure.ts';
import { idempotentRequest, recall, remember } from './idempotency.ts';
import { checkCategory, coarse, resolveWindow } from './input.ts';
import { newNeedSchema, type ListQuery, type Need, type NeedSummary, type NewNeed, type PostedNeed } from './model.ts';
import { nearFirst } from './matching.ts';
import { categoriesOf, memberNetwork, visibleNetwork } from './networks.ts';
import { needInView } from './policy.ts';
import type { AidNeedRow } from './rows.ts';
import { needKey, newNeedKey, openField, sealField } from './secrets.ts';
import { presentNeed, toNeedSummary } from './views.ts';

/**
 * Posting a need needs no account: the poster gets a device ticket (shown once, stored as
 * its hash) that opens the need later. Anyone who can see the network may post; a secret
 * network's outsiders cannot find it to post in, and get notFound().
 */
export async function postNeed(ctx: Ctx, slug: string, input: NewNeed, idempotencyKey?: string): Promise<PostedNeed & { replayed: boolean }> {
  const data = parseInput(newNeedSchema, input);
  const { group } = await visibleNetwork(ctx, slug);
  const request = idempotentRequest(idempotencyKey, `need:${group.id}:${ctx.actor?.userId ?? 'anyone'}`, data);
  const now = ctx.clock.now();
  if (request) {
    const earlier = await recall(ctx.db, request, now);
    if (earlier) return replay(ctx, earlier.targetId, earlier.sealedTicket, slug);
  }
  checkCategory(await categoriesOf(ctx.db, group.id), data.category);
  const window = resolveWindow(now, data.from, data.until);
  const id = uuidv7(now.getTime());
  const { key, wrapped } = newNeedKey(ctx.config, id);
  const ticket = secretToken();
  const row: AidNeedRow = {
    seq: 0,
    id,
    network_id: group.id,
    category: data.category,
    description: data.description,
    urgency: data.urgency,
    from_at: window.from,
    until_at: window.until,
    lat: coarse(data.lat),
    lon: coarse(data.lon),
    geo_slot: geoSlot(group.id, data.category),
    wrapped_key: wrapped,
    sealed_place: sealField(key, id, 'place', data.place),
    sealed_contact: sealField(key, id, 'contact', data.contact),
    sealed_email: sealField(key, id, 'email', data.email),
    ticket_hash: hashToken(ticket),
    poster_id: ctx.actor?.userId ?? null,
    status: 'open',
    helper_id: null,
    offer_id: null,
    claimed_at: null,
    closed_at: null,
    created_at: instant(now),
    updated_at: instant(now),
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const { seq: _seq, ...values } = row;
      await trx.insertInto('aid_needs').values(values).execute();
      await scheduleNeedExpiry(trx, ctx.clock, id, new Date(window.until), 'window');
      if (request) await remember(trx, request, { targetId: id, sealedTicket: sealField(key, id, 'ticket', ticket) }, now);
    });
  } catch (err) {
    // The same key arrived twice at once: the other request won; answer with its need.
    const earlier = request && isUniqueViolation(err) ? await recall(ctx.db, request, now) : null;
    if (earlier) return replay(ctx, earlier.targetId, earlier.sealedTicket, slug);
    throw err;
  }
  return { need: await presentNeed(ctx.db, ctx.config, row, slug, 'poster'), ticket, replayed: false };
}

async function replay(ctx: Ctx, needId: string, sealedTicket: string | null, slug: string): Promise<PostedNeed & { replayed: boolean }> {
  const row = await ctx.db.selectFrom('aid_needs').selectAll().where('id', '=', needId).executeTakeFirst();
  if (!row || sealedTicket === null) throw notFound();
  const ticket = openField(needKey(ctx.config, row), row.id, 'ticket', sealedTicket)!;
  return { need: await presentNeed(ctx.db, ctx.config, row, slug, 'poster'), ticket, replayed: true };
}

/** One need, as the caller's role allows (policy.ts). */
export async function getNeed(ctx: Ctx, needId: string, ticket: string | null): Promise<Need> {
  const seen = await needInView(ctx, needId, ticket);
  return presentNeed(ctx.db, ctx.config, seen.need, seen.group.slug, seen.viewer);
}

/** Open needs of a network for its members: coarse areas, never details. */
export async function listNeeds(ctx: Ctx, slug: string, query: ListQuery): Promise<NeedSummary[]> {
  const { group } = await memberNetwork(ctx, slug);
  const center = query.lat !== undefined && query.lon !== undefined ? { lat: query.lat, lon: query.lon } : null;
  const slot = query.category === undefined ? null : geoSlot(group.id, query.category);
  const rows = await ctx.db
    .selectFrom('aid_needs')
    .selectAll()
    .where('network_id', '=', group.id)
    .where('status', '=', 'open')
    .where('until_at', '>', instant(ctx.clock.now()))
    .$if(query.category !== undefined, (qb) => qb.where('category', '=', query.category!))
    .$if(center !== null, (qb) => qb.where(withinKm(dialectOf(ctx.db), 'aid_needs', center!, query.km, slot)))
    .orderBy(sql`case urgency when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`)
    .orderBy('created_at')
    .limit(center ? 5000 : query.limit)
    .execute();
  const ordered = center ? nearFirst(rows, center, query.km).map((fit) => fit.row) : rows;
  return ordered.slice(0, query.limit).map((row) => toNeedSummary(row, slug));
}
