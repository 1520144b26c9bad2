import { z } from '@hono/zod-openapi';
import { invalid, type FieldErrors } from '../core/errors.ts';
import type { UserRow } from '../store/schema.ts';

// Limits from the contract; the same schemas guard the HTTP API, the CLI and the services.
export const handleSchema = z
  .string()
  .toLowerCase()
  .min(3, 'At least 3 characters')
  .max(30, 'At most 30 characters')
  .regex(/^[a-z0-9_]+$/, 'Only letters, digits and _')
  .openapi({ example: 'river_07' });

export const passwordSchema = z.string().min(10, 'At least 10 characters').max(256, 'At most 256 characters');

export const emailSchema = z.email('Not an email address').max(254, 'At most 254 characters');

// Control characters in a name shown to others only serve to spoof or break layouts.
export const displayNameSchema = z
  .string()
  .trim()
  .max(80, 'At most 80 characters')
  .regex(/^[^\p{Cc}]*$/u, 'No control characters');

export const bioSchema = z.string().max(2000, 'At most 2000 characters');

export const languagesSchema = z
  .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Not a language tag such as "en" or "pt-BR"'))
  .max(10, 'At most 10 languages');

export const tokenNameSchema = z.string().trim().min(1, 'Give the token a name').max(80, 'At most 80 characters');

export const signUpInput = z
  .strictObject({
    handle: handleSchema,
    password: passwordSchema,
    email: emailSchema.optional(),
    displayName: displayNameSchema.optional(),
  })
  .openapi('SignUp');
export type SignUpInput = z.input<typeof signUpInput>;

/** Login checks shape only: a malformed handle gets the same answer as a wrong password. */
export const logInInput = z
  .strictObject({
    handle: z.string().toLowerCase().min(1).max(30),
    password: z.string().min(1).max(256),
  })
  .openapi('LogIn');

export const profileUpdate = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    bio: bioSchema.optional(),
    languages: languagesSchema.optional(),
    email: emailSchema.nullable().optional(),
  })
  .openapi('ProfileUpdate');
export type ProfileUpdate = z.input<typeof profileUpdate>;

export const passwordChange = z
  .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema })
  .openapi('PasswordChange');

/** Not an endpoint: the operator's CLI resets a password by handle. */
export const passwordReset = z.strictObject({ handle: z.string().toLowerCase().min(1).max(30), newPassword: passwordSchema });

export const accountDeletion = z.strictObject({ password: z.string().min(1).max(256) }).openapi('AccountDeletion');

export const tokenRequest = z.strictObject({ name: tokenNameSchema }).openapi('AccessTokenRequest');

export const adminSetupInput = z
  .strictObject({ token: z.string().min(1).max(100), handle: handleSchema, password: passwordSchema })
  .openapi('AdminSetup');

export const userSchema = z
  .object({
    handle: z.string(),
    displayName: z.string(),
    bio: z.string(),
    languages: z.array(z.string()),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('User');
export type User = z.infer<typeof userSchema>;

export const meSchema = userSchema
  .extend({ id: z.string(), email: z.string().nullable(), isAdmin: z.boolean() })
  .openapi('Me');
export type Me = z.infer<typeof meSchema>;

export const sessionSchema = z
  .object({ user: meSchema.nullable(), csrfToken: z.string().nullable() })
  .openapi('Session', { description: 'Who is logged in, and the token every cookie-authenticated write must send as X-CSRF-Token.' });

export const loggedInSchema = z.object({ user: meSchema, csrfToken: z.string() }).openapi('LoggedIn');

export const accessTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    lastUsedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('AccessToken');
export type AccessToken = z.infer<typeof accessTokenSchema>;

export const newAccessTokenSchema = z
  .object({ id: z.string(), name: z.string(), token: z.string().openapi({ description: 'Shown once; store it now.' }) })
  .openapi('NewAccessToken');
export type NewAccessToken = z.infer<typeof newAccessTokenSchema>;

export function toUser(row: UserRow): User {
  return {
    handle: row.handle,
    displayName: row.display_name,
    bio: row.bio,
    languages: JSON.parse(row.languages) as string[],
    createdAt: row.created_at,
  };
}

export function toMe(row: UserRow): Me {
  return { ...toUser(row), id: row.id, email: row.email, isAdmin: row.is_admin === 1 };
}

/**
 * Services are also called by the CLI, which skips the HTTP validator, so they check input
 * themselves with the same schemas and answer the same 422 shape.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  let unknown = false;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      unknown = true;
      for (const key of issue.keys) fields[key] = 'Unknown field';
      continue;
    }
    fields[issue.path.join('.') || 'input'] ??= issue.message;
  }
  throw invalid(unknown ? 'unknown_field' : 'invalid_input', fields);
}
