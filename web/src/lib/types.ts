/** JSON shapes of the Blossom HTTP API (see the OpenAPI document at /api/openapi.json). */

export interface User {
  handle: string;
  displayName: string;
  bio: string;
  languages: string[];
  createdAt: string;
}

export interface Me extends User {
  id: string;
  email: string | null;
  isAdmin: boolean;
}

export interface SessionInfo {
  user: Me | null;
  csrfToken: string | null;
}

export type GroupKind = 'affinity' | 'working' | 'network';
export type Visibility = 'public' | 'unlisted' | 'secret';
export type JoinPolicy = 'open' | 'request' | 'invitation';
export type MemberListVisibility = 'public' | 'members' | 'coordinators';
export type Role = 'member' | 'coordinator';

export interface GroupSummary {
  slug: string;
  name: string;
  kind: GroupKind;
  visibility: Visibility;
  joinPolicy: JoinPolicy;
  city: string;
  memberCount: number;
}

export interface Group extends GroupSummary {
  description: string;
  descriptionHtml: string;
  lat: number | null;
  lon: number | null;
  contact: string;
  meetingRhythm: string;
  memberList: MemberListVisibility;
  createdAt: string;
  viewer: { role: Role | null; requested: boolean };
}

export interface GroupPage {
  groups: GroupSummary[];
  next: string | null;
}

export interface Member {
  handle: string;
  displayName: string;
  role: Role;
  since: string;
}

export interface JoinRequest {
  id: string;
  handle: string;
  displayName: string;
  message: string;
  createdAt: string;
}

export interface Invitation {
  id: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  revoked: boolean;
  createdAt: string;
}

export interface CreatedInvitation {
  id: string;
  token: string;
  expiresAt: string;
  maxUses: number;
}

export interface InvitationPreview {
  group: { slug: string; name: string; kind: GroupKind; city: string; descriptionHtml: string };
  expiresAt: string;
}

export interface AccessToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedAccessToken {
  id: string;
  name: string;
  token: string;
}
