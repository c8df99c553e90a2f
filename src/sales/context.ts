import type { DirectoryFeed } from '../directory/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';

/** What every Sales domain function needs; built once by the Sales index. */
export interface SalesContext {
  db: Database;
  config: Config;
  /** The directory's user feed: the only way Sales learns about directory users. */
  feed: DirectoryFeed;
}
