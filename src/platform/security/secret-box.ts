import crypto from 'node:crypto';
import { ensurePrivateDir } from '../private-dir.js';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Encrypts secrets at rest (integration-user passwords, signing keys, one-time results) with
 * AES-256-GCM under the installation's master key. The key comes from TANDEM_SECRET_KEY or from
 * `<dataDir>/secret.key`, created with mode 0600 on first start; it is never stored in the database.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The secret key must be 32 bytes.');
    this.key = key;
  }

  static loadOrCreate(dataDir: string, fromEnv: string | undefined): SecretBox {
    if (fromEnv) {
      const key = Buffer.from(fromEnv, 'base64');
      if (key.length !== 32) {
        throw new Error(
          'TANDEM_SECRET_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`).',
        );
      }
      return new SecretBox(key);
    }
    const file = path.join(dataDir, 'secret.key');
    ensurePrivateDir(dataDir);
    if (!fs.existsSync(file)) {
      try {
        fs.writeFileSync(file, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key.`);
    return new SecretBox(key);
  }

  /** A sub-key for one purpose (e.g. keyed hashes), so the master key is used for one thing only. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.key, Buffer.alloc(0), `tandem:${purpose}`, 32));
  }

  seal(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Not a sealed secret.');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
