import { randomInt } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A readable slug from a group's name: lower-case a-z, 0-9 and single dashes. */
export function slugFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "Café" -> "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  // Names in scripts without a Latin form still need a slug.
  return base || 'group';
}

/**
 * A random, not a counted, suffix: "name-2" would tell a stranger that a group called
 * "name" already exists, even a secret one.
 */
export function withRandomSuffix(base: string): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `${base}-${suffix}`;
}
