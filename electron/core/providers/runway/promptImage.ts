import { readFile, stat } from 'node:fs/promises';
import { validationError } from '../../../../shared/errors';

/** Runway's input limits (docs/runway.md §6, "Asset inputs"). */
export const DATA_URI_MAX_CHARS = 5_000_000;
export const UPLOAD_MAX_BYTES = 200 * 1024 * 1024;

const bad = (message: string): Error => validationError([{ path: ['promptImage'], message }], 'Runway');

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

/** Sniffs the image type from its first bytes (never from the name). */
export function sniffImageType(head: Uint8Array): ImageType | null {
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && String.fromCharCode(...head.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...head.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return null;
}

export type LocalImage = { kind: 'data-uri'; uri: string } | { kind: 'upload'; bytes: Buffer; type: ImageType; filename: string };

/**
 * Reads a local prompt image and decides how Runway gets it: inline as a data URI when it fits
 * under 5 MB encoded, else an ephemeral upload (up to 200 MB). The upload's name is neutral
 * (`input.png`): file names can carry creative intent and never leave the machine.
 */
export async function readLocalImage(path: string): Promise<LocalImage> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw bad('is not a file; give an image file or an https:// URL');
    size = st.size;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') throw bad('file not found; give an existing image file or an https:// URL');
    throw e;
  }
  if (size === 0) throw bad('the image file is empty');
  if (size > UPLOAD_MAX_BYTES) throw bad(`the image is ${size} bytes; Runway takes at most ${UPLOAD_MAX_BYTES} bytes`);
  const bytes = await readFile(path);
  const type = sniffImageType(bytes.subarray(0, 16));
  if (!type) throw bad('is not a PNG, JPEG or WebP image; accepted: png, jpeg, webp');
  const prefix = `data:${type};base64,`;
  if (prefix.length + Math.ceil(bytes.length / 3) * 4 < DATA_URI_MAX_CHARS) return { kind: 'data-uri', uri: prefix + bytes.toString('base64') };
  return { kind: 'upload', bytes, type, filename: `input.${type.slice('image/'.length)}` };
}
