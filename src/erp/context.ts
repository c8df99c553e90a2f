import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';

/** What every ERP domain function may use. */
export interface ErpContext {
  db: Database;
  config: Config;
}

/** Who is calling the ERP API: an enabled ERP user with permission sets. */
export interface Caller {
  /** ERP user id (the directory object id for people; generated for applications). */
  userId: string;
  /** Directory object id of the token's subject: recorded as last-modified-by. */
  actorId: string;
  kind: 'user' | 'application';
  name: string;
  permissionSets: string[];
}
