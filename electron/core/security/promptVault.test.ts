import { statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp';
import { FileKeys } from './fileKeys';
import { PromptVault } from './promptVault';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('PromptVault with FileKeys', () => {
  it('round-trips a prompt and the ciphertext does not contain it', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const vault = new PromptVault(new FileKeys(t.dir));
    const blob = vault.seal({ prompt: 'a red balloon over Lisbon', negativePrompt: 'blur' });
    expect(blob.toString('latin1')).not.toContain('balloon');
    expect(vault.open(blob)).toEqual({ prompt: 'a red balloon over Lisbon', negativePrompt: 'blur' });
  });

  it('keeps the key in a 0600 file and reuses it across instances', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blob = new PromptVault(new FileKeys(t.dir)).seal({ prompt: 'x' });
    expect(statSync(join(t.dir, 'keys', 'prompt.key')).mode & 0o777).toBe(0o600);
    expect(new PromptVault(new FileKeys(t.dir)).open(blob)).toEqual({ prompt: 'x' });
  });

  it('refuses tampered ciphertext and a key file others can read', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const vault = new PromptVault(new FileKeys(t.dir));
    const blob = vault.seal({ prompt: 'x' });
    blob.writeUInt8(blob.readUInt8(blob.length - 1) ^ 1, blob.length - 1);
    expect(() => vault.open(blob)).toThrow(/could not be decrypted/);
    const u = tempDir();
    cleanups.push(u.cleanup);
    new FileKeys(u.dir).key('prompt');
    chmodSync(join(u.dir, 'keys', 'prompt.key'), 0o644);
    expect(() => new FileKeys(u.dir).key('prompt')).toThrow(/chmod 600/);
    writeFileSync(join(u.dir, 'x'), '');
  });
});
