/**
 * sharp, loaded on first use: it costs ~40 ms to load (libvips), and most processes that load the media
 * code (a CLI command, a queue worker) never make a thumbnail or read a watermark image.
 */
export async function loadSharp(): Promise<typeof import('sharp')['default']> {
  return (await import('sharp')).default;
}
