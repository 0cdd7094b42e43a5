import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/ports';
import { StudioClient, studioBase } from '../host/studioClient';
import type { SafeStorageLike } from './keychain';

/**
 * Which studio this desktop works with, if any: `<data dir>/studio.json` (the address and who we are there)
 * and the member's token sealed by the OS keychain (`keys/studio.keychain`) — never in the JSON, never logged.
 * Where the keychain protects nothing, the token is a 0600 file (`keys/studio.token`) and the log says so,
 * as for the prompt key.
 */
const Saved = z
  .object({
    url: z.string(),
    member: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    tokenId: z.string(),
    expiresAt: z.number().int(),
  })
  .strict();
export type StudioLink = z.infer<typeof Saved>;

const Accepted = z.object({ member: z.object({ id: z.string(), name: z.string(), role: z.string() }).passthrough(), token: z.string().min(1), tokenId: z.string(), expiresAt: z.number().int() }).passthrough();

export class StudioConnection {
  private readonly file: string;
  private readonly sealed: string;
  private readonly plain: string;

  constructor(private readonly o: { dataDir: string; safe: SafeStorageLike; keychainUsable: boolean; logger: Logger }) {
    this.file = join(o.dataDir, 'studio.json');
    this.sealed = join(o.dataDir, 'keys', 'studio.keychain');
    this.plain = join(o.dataDir, 'keys', 'studio.token');
  }

  /** The saved studio and its token, or null (work locally). A damaged file is reported and treated as none. */
  async load(): Promise<{ link: StudioLink; token: string } | null> {
    if (!existsSync(this.file)) return null;
    try {
      const link = Saved.parse(JSON.parse(readFileSync(this.file, 'utf8')));
      const token = existsSync(this.sealed)
        ? (await this.o.safe.decryptStringAsync(readFileSync(this.sealed))).result
        : existsSync(this.plain)
          ? readFileSync(this.plain, 'utf8').trim()
          : null;
      if (!token) throw new Error('no token is stored for it');
      return { link, token };
    } catch (e) {
      this.o.logger.log('warn', 'the saved studio connection cannot be used; working locally', { file: this.file, error: (e as Error).message });
      return null;
    }
  }

  /**
   * Accepts an invite on the studio at `url` (the secret is the proof; no session yet) and keeps the
   * member's token. Nothing is saved unless the studio accepted it.
   */
  async join(url: string, invite: string): Promise<{ link: StudioLink; token: string }> {
    const base = studioBase(url);
    // The invite as sent (a link carrying it) or just its secret.
    const found = /cti_[0-9a-f]{64}/.exec(invite)?.[0];
    if (!found) throw new AppError('VALIDATION', 'invite: paste the invite your studio admin sent you (the link, or its secret: cti_ and 64 hex digits).', { field: 'invite' });
    const r = await new StudioClient({ url: base.href, token: null }).call('studio.acceptInvite', { secret: found, label: `desktop on ${hostname()}`.slice(0, 60) });
    if (!r.ok) throw new AppError(r.error.code, r.error.message, { ...r.error.details, field: r.error.code === 'STUDIO_UNREACHABLE' ? 'url' : 'invite' });
    const a = Accepted.parse(r.value);
    const link: StudioLink = { url: base.href, member: { id: a.member.id, name: a.member.name, role: a.member.role }, tokenId: a.tokenId, expiresAt: a.expiresAt };
    await this.save(link, a.token);
    return { link, token: a.token };
  }

  /** Forget the studio (work locally). The token stays valid at the studio until an admin revokes it or it expires. */
  forget(): void {
    for (const f of [this.file, this.sealed, this.plain]) rmSync(f, { force: true });
  }

  private async save(link: StudioLink, token: string): Promise<void> {
    mkdirSync(join(this.o.dataDir, 'keys'), { recursive: true, mode: 0o700 });
    if (this.o.keychainUsable) {
      atomicWrite(this.sealed, await this.o.safe.encryptStringAsync(token));
      rmSync(this.plain, { force: true });
    } else {
      this.o.logger.log('warn', 'the OS keychain protects nothing here: the studio token is kept in a 0600 file', { file: this.plain });
      atomicWrite(this.plain, Buffer.from(token));
      rmSync(this.sealed, { force: true });
    }
    atomicWrite(this.file, Buffer.from(JSON.stringify(link, null, 2)));
  }
}

function atomicWrite(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}
