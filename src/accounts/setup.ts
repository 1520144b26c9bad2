import type { Ctx } from '../core/context.ts';

export async function adminSetupLink(_ctx: Ctx, _baseUrl: string): Promise<string | null> {
  return null;
}
