import type { CreateTableBuilder, Kysely } from 'kysely';
import { createGeoIndex, dialectOf, dropGeoIndex, type GeoTable } from '../dialect/geo.ts';

/**
 * Mutual aid: needs, offers, the counts that outlive erased needs, and idempotency records.
 * Needs and offers carry an integer `seq` for the geo index: on SQLite it is the rowid
 * itself (INTEGER PRIMARY KEY, so VACUUM cannot renumber it); on PostgreSQL a serial.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  const sqlite = dialectOf(db) === 'sqlite';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
  const keyed = (table: GeoTable): CreateTableBuilder<any, any> =>
    sqlite
      ? db.schema.createTable(table).addColumn('seq', 'integer', (c) => c.primaryKey()).addColumn('id', 'text', (c) => c.notNull().unique())
      : db.schema.createTable(table).addColumn('seq', 'serial', (c) => c.notNull().unique()).addColumn('id', 'text', (c) => c.primaryKey());

  await db.schema
    .createTable('aid_networks')
    .addColumn('group_id', 'text', (c) => c.primaryKey().references('groups.id').onDelete('cascade'))
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await keyed('aid_offers')
    .addColumn('network_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('helper_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('from_at', 'text', (c) => c.notNull())
    .addColumn('until_at', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('geo_slot', 'integer', (c) => c.notNull())
    .addColumn('radius_km', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aid_offers_helper').on('aid_offers').columns(['helper_id', 'network_id']).execute();
  await db.schema.createIndex('aid_offers_network').on('aid_offers').columns(['network_id', 'created_at']).execute();
  await createGeoIndex(db, 'aid_offers');

  await keyed('aid_needs')
    .addColumn('network_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('from_at', 'text', (c) => c.notNull())
    .addColumn('until_at', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('geo_slot', 'integer', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('sealed_place', 'text')
    .addColumn('sealed_contact', 'text')
    .addColumn('sealed_email', 'text')
    .addColumn('ticket_hash', 'text', (c) => c.notNull().unique())
    // A deleted account takes the needs it posted (and their addresses) with it.
    .addColumn('poster_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('helper_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('offer_id', 'text', (c) => c.references('aid_offers.id').onDelete('set null'))
    .addColumn('claimed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aid_needs_queue').on('aid_needs').columns(['network_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('aid_needs_helper').on('aid_needs').columns(['helper_id', 'status']).execute();
  await db.schema.createIndex('aid_needs_poster').on('aid_needs').column('poster_id').execute();
  await db.schema.createIndex('aid_needs_offer').on('aid_needs').column('offer_id').execute();
  await createGeoIndex(db, 'aid_needs');

  await db.schema
    .createTable('aid_counts')
    .addColumn('network_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('aid_counts_pk', ['network_id', 'category', 'month', 'outcome'])
    .execute();

  await db.schema
    .createTable('aid_idempotency')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('sealed_ticket', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aid_idempotency_target').on('aid_idempotency').column('target_id').execute();
  await db.schema.createIndex('aid_idempotency_expiry').on('aid_idempotency').column('expires_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['aid_idempotency', 'aid_counts', 'aid_needs', 'aid_offers', 'aid_networks']) {
    await db.schema.dropTable(table).execute();
  }
  await dropGeoIndex(db, 'aid_needs');
  await dropGeoIndex(db, 'aid_offers');
}
