import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { SecretBox } from '../platform/security/secret-box.js';

/** What every directory domain function needs; built once by the directory's index. */
export interface DirectoryContext {
  db: Database;
  config: Config;
  secrets: SecretBox;
  /** Key of the fast keyed hash for generated secrets (temporary passwords, client secrets). */
  generatedSecretKey: Buffer;
}

/** Who performs an administrative action, as recorded in modified_by and the audit log. */
export interface Actor {
  id: string;
  name: string;
}
