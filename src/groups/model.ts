import { z } from '@hono/zod-openapi';
import { invalid, type FieldErrors } from '../core/errors.ts';
import type { GroupRow } from '../store/schema.ts';
import { renderMarkdown } from './markdown.ts';

export const kinds = ['affinity', 'working', 'network'] as const;
export const visibilities = ['public', 'unlisted', 'secret'] as const;
export const joinPolicies = ['open', 'request', 'invitation'] as const;
export const memberLists = ['public', 'members', 'coordinators'] as const;
export const roles = ['member', 'coordinator'] as const;

export type Kind = (typeof kinds)[number];
export type Visibility = (typeof visibilities)[number];
export type JoinPolicy = (typeof joinPolicies)[number];
export type MemberList = (typeof memberLists)[number];
export type Role = (typeof roles)[number];

export const kindSchema = z.enum(kinds).openapi('GroupKind');
export const visibilitySchema = z.enum(visibilities).openapi('GroupVisibility');
export const joinPolicySchema = z.enum(joinPolicies).openapi('JoinPolicy');
export const memberListSchema = z.enum(memberLists).openapi('MemberList');
export const roleSchema = z.enum(roles).openapi('GroupRole');

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);
const coordinate = (limit: number) =>
  z.number().min(-limit, `Between -${limit} and ${limit}`).max(limit, `Between -${limit} and ${limit}`).nullable();

/** Everything a coordinator may set; shared by create (some required) and edit (all optional). */
const groupFields = {
  name: z.string().trim().min(2, 'At least 2 characters').max(100, 'At most 100 characters'),
  kind: kindSchema,
  visibility: visibilitySchema,
  joinPolicy: joinPolicySchema,
  memberList: memberListSchema,
  description: text(20000).openapi({ description: 'Markdown; raw HTML is not rendered.' }),
  city: text(100),
  lat: coordinate(90).openapi({ description: 'Rounded to 2 decimals (about 1 km) before it is stored.' }),
  lon: coordinate(180).openapi({ description: 'Rounded to 2 decimals (about 1 km) before it is stored.' }),
  contact: text(500),
  meetingRhythm: text(200),
};

export const newGroupSchema = z
  .strictObject({
    ...groupFields,
    memberList: groupFields.memberList.optional(),
    description: groupFields.description.optional(),
    city: groupFields.city.optional(),
    lat: groupFields.lat.optional(),
    lon: groupFields.lon.optional(),
    contact: groupFields.contact.optional(),
    meetingRhythm: groupFields.meetingRhythm.optional(),
  })
  .openapi('NewGroup');
export type NewGroup = z.input<typeof newGroupSchema>;

export const groupChangesSchema = z.strictObject(groupFields).partial().openapi('GroupChanges');
export type GroupChanges = z.input<typeof groupChangesSchema>;

export const groupSummarySchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    kind: kindSchema,
    visibility: visibilitySchema,
    joinPolicy: joinPolicySchema,
    city: z.string(),
    memberCount: z.number().int(),
  })
  .openapi('GroupSummary');
export type GroupSummary = z.infer<typeof groupSummarySchema>;

export const groupSchema = groupSummarySchema
  .extend({
    description: z.string(),
    descriptionHtml: z.string().openapi({ description: 'The description rendered and sanitized.' }),
    lat: z.number().nullable(),
    lon: z.number().nullable(),
    contact: z.string(),
    meetingRhythm: z.string(),
    memberList: memberListSchema,
    createdAt: z.string(),
    viewer: z.object({ role: roleSchema.nullable(), requested: z.boolean() }),
  })
  .openapi('Group');
export type Group = z.infer<typeof groupSchema>;

export const groupPageSchema = z
  .object({ groups: z.array(groupSummarySchema), next: z.string().nullable().openapi({ description: 'Opaque cursor for the next page.' }) })
  .openapi('GroupPage');
export type GroupPage = z.infer<typeof groupPageSchema>;

export const myGroupSchema = groupSummarySchema.extend({ role: roleSchema }).openapi('MyGroup');
export type MyGroup = z.infer<typeof myGroupSchema>;

export const listQuerySchema = z.object({
  q: z.string().trim().max(100, 'At most 100 characters').optional(),
  kind: kindSchema.optional(),
  cursor: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema> & { limit?: number };

export const memberSchema = z
  .object({ handle: z.string(), displayName: z.string(), role: roleSchema, since: z.string() })
  .openapi('GroupMember');
export type Member = z.infer<typeof memberSchema>;

export const joinRequestSchema = z
  .object({ id: z.string(), handle: z.string(), displayName: z.string(), message: z.string(), createdAt: z.string() })
  .openapi('JoinRequest');
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const joinSchema = z.strictObject({ message: text(1000).optional() }).openapi('JoinGroup');
export const roleChangeSchema = z.strictObject({ role: roleSchema }).openapi('RoleChange');

export const invitationSchema = z
  .object({ id: z.string(), expiresAt: z.string(), maxUses: z.number().int(), uses: z.number().int(), revoked: z.boolean(), createdAt: z.string() })
  .openapi('Invitation');
export type Invitation = z.infer<typeof invitationSchema>;

export const invitationOptionsSchema = z
  .strictObject({
    expiresInHours: z.number().int('A whole number').min(1, 'Between 1 and 720').max(720, 'Between 1 and 720').optional(),
    maxUses: z.number().int('A whole number').min(1, 'Between 1 and 1000').max(1000, 'Between 1 and 1000').optional(),
  })
  .openapi('InvitationOptions');
export type InvitationOptions = z.input<typeof invitationOptionsSchema>;

export const newInvitationSchema = z
  .object({ id: z.string(), token: z.string().openapi({ description: 'Shown once; the link is /invite/{token}.' }), expiresAt: z.string(), maxUses: z.number().int() })
  .openapi('NewInvitation');
export type NewInvitation = z.infer<typeof newInvitationSchema>;

export const invitationPreviewSchema = z
  .object({
    group: z.object({ slug: z.string(), name: z.string(), kind: kindSchema, city: z.string(), descriptionHtml: z.string() }),
    expiresAt: z.string(),
  })
  .openapi('InvitationPreview');
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

/** Coordinates are kept only to ~1 km, so the database never holds a meeting place. */
export function roundCoordinate(value: number | null): number | null {
  if (value === null) return null;
  return Math.round(value * 100) / 100 + 0; // + 0 turns -0 into 0
}

export function toSummary(row: GroupRow, memberCount: number): GroupSummary {
  return {
    slug: row.slug,
    name: row.name,
    kind: row.kind as Kind,
    visibility: row.visibility as Visibility,
    joinPolicy: row.join_policy as JoinPolicy,
    city: row.city,
    memberCount,
  };
}

export function toGroup(row: GroupRow, memberCount: number, viewer: Group['viewer']): Group {
  return {
    ...toSummary(row, memberCount),
    description: row.description,
    descriptionHtml: renderMarkdown(row.description),
    lat: row.lat === null ? null : Number(row.lat),
    lon: row.lon === null ? null : Number(row.lon),
    contact: row.contact,
    meetingRhythm: row.meeting_rhythm,
    memberList: row.member_list as MemberList,
    createdAt: row.created_at,
    viewer,
  };
}

/**
 * Service functions validate again, because the CLI and other capabilities call them
 * without going through HTTP. Same problem shape as the HTTP layer's.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  let unknown = false;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      unknown = true;
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'Unknown field';
      continue;
    }
    fields[issue.path.join('.') || 'body'] ??= issue.message;
  }
  throw invalid(unknown ? 'unknown_field' : 'invalid_input', fields);
}
