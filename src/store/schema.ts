import type { ActionTables } from '../actions/rows.ts';
import type { AidTables } from '../aid/rows.ts';

/**
 * Row types shared by both dialects. Instants are ISO-8601 UTC text; flags are 0/1
 * integers; lists are JSON text. That keeps every query identical on SQLite and PostgreSQL.
 */
export interface UserRow {
  id: string;
  handle: string;
  display_name: string;
  bio: string;
  languages: string;
  email: string | null;
  password_hash: string;
  is_admin: number;
  created_at: string;
  updated_at: string;
}

export interface SessionRow {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface AccessTokenRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface GroupRow {
  id: string;
  slug: string;
  name: string;
  kind: string;
  visibility: string;
  join_policy: string;
  member_list: string;
  description: string;
  city: string;
  lat: number | null;
  lon: number | null;
  contact: string;
  meeting_rhythm: string;
  created_at: string;
  updated_at: string;
}

export interface MembershipRow {
  group_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

export interface InvitationRow {
  id: string;
  group_id: string;
  token_hash: string;
  created_by: string | null;
  expires_at: string;
  max_uses: number;
  uses: number;
  revoked_at: string | null;
  created_at: string;
}

export interface JoinRequestRow {
  id: string;
  group_id: string;
  user_id: string;
  message: string;
  created_at: string;
}

export interface InstanceSettingRow {
  key: string;
  value: string;
}

/** A durable job or timer (src/jobs). payload is JSON text holding ids only, never secrets. */
export interface JobRow {
  id: string;
  kind: string;
  run_at: string;
  payload: string;
  /** pending | running | done | failed */
  status: string;
  /** How many times it has been claimed, so a job that keeps killing its process still gives up. */
  attempts: number;
  lease_until: string | null;
  dedupe_key: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database extends ActionTables, AidTables {
  users: UserRow;
  sessions: SessionRow;
  access_tokens: AccessTokenRow;
  groups: GroupRow;
  memberships: MembershipRow;
  invitations: InvitationRow;
  join_requests: JoinRequestRow;
  instance_settings: InstanceSettingRow;
  jobs: JobRow;
  kysely_migration: { name: string; timestamp: string };
}
