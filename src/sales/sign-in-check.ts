import { eq } from 'drizzle-orm';
import { interactiveSignInChecks, type InteractiveSignInCheck } from '../directory/index.js';
import type { SalesContext } from './context.js';
import { ACCESS_MODE, systemusers } from './schema.js';

/**
 * Rule A4: a Non-interactive Sales user (accessmode 4) may not sign in to the console; it can still
 * get API tokens (the directory runs these checks for console sign-in only).
 */
export function nonInteractiveSignInCheck(ctx: SalesContext): InteractiveSignInCheck {
  return async (_directory, user) => {
    const [row] = await ctx.db
      .select({ accessmode: systemusers.accessmode })
      .from(systemusers)
      .where(eq(systemusers.azureactivedirectoryobjectid, user.id));
    if (row?.accessmode !== ACCESS_MODE.NonInteractive) return undefined;
    return `${user.userPrincipalName} is a non-interactive user in Sales (access mode Non-interactive), so it cannot sign in to the console; it can still get API tokens. A System Administrator can change its access mode to Read-Write in Sales → Users if a person must sign in with it.`;
  };
}

/** Registers the check with the directory; returns the function that removes it again. */
export function registerSignInCheck(ctx: SalesContext): () => void {
  const check = nonInteractiveSignInCheck(ctx);
  interactiveSignInChecks.push(check);
  return () => {
    const index = interactiveSignInChecks.indexOf(check);
    if (index >= 0) interactiveSignInChecks.splice(index, 1);
  };
}
