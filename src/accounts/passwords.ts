import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id (the library's default algorithm) at the OWASP baseline: 19 MiB, 2 passes, 1 lane.
 * Kept explicit so a library upgrade cannot quietly change the cost.
 */
const cost = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * A hash of a password nobody has, made with the same cost. Logging in as an unknown
 * handle verifies against it, so the answer takes as long as for a real account.
 */
export const dummyHash = '$argon2id$v=19$m=19456,t=2,p=1$Ytr0ubIHmZYkNUJK0axQag$RgU+g/2of1IINNcsKNKAUVrJ2vc1bUvfiyZ3cBWpYUs';

export function hashPassword(password: string): Promise<string> {
  return hash(password, cost);
}

/** Never throws: a corrupt stored hash counts as a wrong password. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(storedHash ?? dummyHash, password);
    return storedHash !== null && ok;
  } catch {
    return false;
  }
}
