import type { Ctx } from '../core/context.ts';
import { instant } from '../core/clock.ts';
import { invalid, notFound, type FieldErrors } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import { normalizeZone } from '../core/tz.ts';
import { parseInput } from '../groups/model.ts';
import { managedGroup } from '../groups/policy.ts';
import { nodesOf, presentAction } from './action-view.ts';
import { newDraftRow } from './actions.ts';
import { visibleDisclosures, type OpenedDisclosure } from './disclosure-policy.ts';
import { notifyDisclosuresChanged } from './disclosures.ts';
import { sealDisclosure } from './keys.ts';
import type { ActionVisibility, NodesPolicy, Tier } from './model.ts';
import { timingOf } from './node-timing.ts';
import { newNodeRow } from './nodes.ts';
import { placeholders, playbookFormat, playbookSchema, type Playbook } from './playbook-model.ts';
import { actionAccess, visibleAction } from './policy.ts';
import type { DisclosureRow } from './rows.ts';
import type { ActionView } from './views.ts';

/**
 * Export an action's shape as a playbook, and fork a playbook into a new draft. Only the
 * organizers export: even without secret texts, the slots say when reveals happen.
 */
export async function exportPlaybook(ctx: Ctx, slug: string): Promise<Playbook> {
  const access = await visibleAction(ctx, slug);
  if (!access.organizer) throw notFound();
  const { action } = access;
  const now = ctx.clock.now();
  const nodes = (await nodesOf(ctx, action.id)).filter((node) => node.status === 'active');
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  // Only ids, tiers and offsets: texts are opened solely through the disclosure policy below.
  const slots = await ctx.db
    .selectFrom('disclosures')
    .select(['id', 'node_id', 'tier', 'offset_minutes'])
    .where('action_id', '=', action.id)
    .orderBy('offset_minutes')
    .orderBy('id')
    .execute();
  // A public text travels only once it is out at every node it belongs to; before that it is still a secret.
  const publicSeen = new Map<string, { opened: OpenedDisclosure; nodes: number }>();
  for (const node of nodes) {
    for (const opened of await visibleDisclosures(ctx, action, node, 'public', now)) {
      publicSeen.set(opened.id, { opened, nodes: (publicSeen.get(opened.id)?.nodes ?? 0) + 1 });
    }
  }
  const disclosures: Playbook['disclosures'] = [];
  for (const slot of slots) {
    if (slot.node_id !== null && !index.has(slot.node_id)) continue; // belongs to a pending node
    const seen = publicSeen.get(slot.id);
    const everywhere = slot.node_id === null ? nodes.length : 1;
    const out = slot.tier === 'public' && seen !== undefined && seen.nodes === everywhere ? seen.opened : null;
    disclosures.push({
      tier: slot.tier as Tier,
      offsetMinutes: Number(slot.offset_minutes),
      node: slot.node_id === null ? null : index.get(slot.node_id)!,
      text: out?.text ?? placeholders[slot.tier as Tier] ?? placeholders.marshal,
      place: out?.place ?? null,
    });
  }
  return {
    format: playbookFormat,
    title: action.title,
    call: action.call,
    bring: action.bring,
    visibility: action.visibility as ActionVisibility,
    timing: timingOf(action),
    durationMinutes: Number(action.duration_minutes),
    nodesPolicy: action.nodes_policy as NodesPolicy,
    retentionMinutes: Number(action.retention_minutes),
    keepCounts: Number(action.keep_counts) === 1,
    nodes: nodes.map((node) => ({ city: node.city, zone: node.zone, capacity: node.capacity === null ? null : Number(node.capacity) })),
    disclosures,
  };
}

/** A new draft for a group the caller coordinates; the group hosts every node it brings. */
export async function forkPlaybook(ctx: Ctx, groupSlug: string, input: Playbook): Promise<ActionView> {
  const data = parseInput(playbookSchema, input);
  const errors: FieldErrors = {};
  data.disclosures.forEach((d, i) => {
    if ((d.node ?? -1) >= data.nodes.length) errors[`disclosures.${i}.node`] = 'No such node in this playbook';
  });
  if (Object.keys(errors).length > 0) throw invalid('invalid_input', errors);
  const { group } = await managedGroup(ctx, groupSlug);
  const { row: action, key } = newDraftRow(ctx, group.id, data);
  const nodes = data.nodes.map((node, i) =>
    newNodeRow(ctx, action, key, {
      hostGroupId: group.id,
      city: node.city,
      zone: normalizeZone(node.zone, `nodes.${i}.zone`),
      capacity: node.capacity ?? null,
      status: 'active',
    }),
  );
  const createdAt = instant(ctx.clock.now());
  const disclosures: DisclosureRow[] = data.disclosures.map((d) => {
    const id = uuidv7(ctx.clock.now().getTime());
    return {
      id,
      action_id: action.id,
      node_id: d.node === null || d.node === undefined ? null : nodes[d.node]!.id,
      tier: d.tier,
      offset_minutes: d.offsetMinutes,
      sealed: sealDisclosure(key, id, { text: d.text, place: d.place ?? null }),
      created_at: createdAt,
    };
  });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('actions').values(action).execute();
    if (nodes.length > 0) await trx.insertInto('action_nodes').values(nodes).execute();
    if (disclosures.length > 0) await trx.insertInto('disclosures').values(disclosures).execute();
  });
  await notifyDisclosuresChanged(ctx, action.id);
  return presentAction(ctx, await actionAccess(ctx, action), null);
}
