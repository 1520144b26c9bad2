import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('call', 'text', (c) => c.notNull())
    .addColumn('bring', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('timing_mode', 'text', (c) => c.notNull())
    .addColumn('timing_at', 'text', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('nodes_policy', 'text', (c) => c.notNull())
    .addColumn('retention_minutes', 'integer', (c) => c.notNull())
    .addColumn('keep_counts', 'integer', (c) => c.notNull())
    .addColumn('wrapped_key', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .execute();
  await db.schema.createIndex('actions_group').on('actions').column('group_id').execute();
  await db.schema.createIndex('actions_listing').on('actions').columns(['visibility', 'status', 'created_at']).execute();

  await db.schema
    .createTable('action_nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('host_group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('code_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('action_nodes_action').on('action_nodes').column('action_id').execute();

  await db.schema
    .createTable('node_marshals')
    .addColumn('node_id', 'text', (c) => c.notNull().references('action_nodes.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('node_marshals_pk', ['node_id', 'user_id'])
    .execute();
  await db.schema.createIndex('node_marshals_user').on('node_marshals').column('user_id').execute();

  await db.schema
    .createTable('disclosures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.references('action_nodes.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('offset_minutes', 'integer', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('disclosures_action').on('disclosures').column('action_id').execute();

  await db.schema
    .createTable('rsvps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull().references('action_nodes.id').onDelete('cascade'))
    .addColumn('ticket_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('checked_in_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rsvps_node').on('rsvps').columns(['node_id', 'checked_in_at']).execute();
  await db.schema.createIndex('rsvps_user').on('rsvps').columns(['user_id', 'action_id']).execute();

  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.references('action_nodes.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('broadcasts_action').on('broadcasts').columns(['action_id', 'created_at']).execute();

  await db.schema
    .createTable('action_counts')
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('rsvps', 'integer', (c) => c.notNull())
    .addColumn('checkins', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('action_counts_pk', ['action_id', 'node_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['action_counts', 'broadcasts', 'rsvps', 'disclosures', 'node_marshals', 'action_nodes', 'actions']) {
    await db.schema.dropTable(table).execute();
  }
}
