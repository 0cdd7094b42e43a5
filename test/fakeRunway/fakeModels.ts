/**
 * What the fake Runway accepts, written from docs/runway.md (§6 "Request bodies", §10 "Fake server
 * checklist") independently of the provider's own table, so a drift between the two shows up as a
 * 400 in tests. Prices are the per-second rates in docs/runway.md §8.
 */
export type FakeEndpoint = 'image_to_video' | 'text_to_video';

interface Spec {
  ratios: Record<FakeEndpoint, readonly string[] | null>;
  durations: { min: number; max: number } | readonly number[];
  isDurationRequired: boolean;
  defaultDuration: number;
  isPromptRequired: Record<FakeEndpoint, boolean>;
  canAudio: boolean;
  outputFormats: readonly string[];
  creditsPerSec: (body: Record<string, unknown>) => number;
}

const GEN4 = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'];
const VEO = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const GEN45_FORMATS = ['mp4', 'prores', 'png_sequence', 'hdr10', 'hlg', 'sdr_rec709_10bit', 'hdr_pq_12bit_master', 'hdr_prores', 'hdr_png_sequence', 'hdr_exr_sequence', 'hdr_exr_acescg_sequence_1_3', 'hdr_exr_acescg_sequence_2_0'];

function gen45Rate(body: Record<string, unknown>): number {
  const f = body.outputFormat;
  if (f === 'prores' || f === 'png_sequence') return 12 + 5;
  if (typeof f === 'string' && f !== 'mp4') return 12 + 20;
  return 12;
}

const veo = (withAudio: number, without: number): Spec => ({
  ratios: { image_to_video: VEO, text_to_video: VEO },
  durations: [4, 6, 8],
  isDurationRequired: false,
  defaultDuration: 8,
  isPromptRequired: { image_to_video: false, text_to_video: true },
  canAudio: true,
  outputFormats: [],
  creditsPerSec: (b) => (b.audio === true ? withAudio : without),
});

export const FAKE_MODELS: Record<string, Spec> = {
  'gen4.5': {
    ratios: { image_to_video: GEN4, text_to_video: ['1280:720', '720:1280'] },
    durations: { min: 2, max: 10 },
    isDurationRequired: true,
    defaultDuration: 5,
    isPromptRequired: { image_to_video: true, text_to_video: true },
    canAudio: false,
    outputFormats: GEN45_FORMATS,
    creditsPerSec: gen45Rate,
  },
  gen4_turbo: {
    ratios: { image_to_video: GEN4, text_to_video: null },
    durations: { min: 2, max: 10 },
    isDurationRequired: false,
    defaultDuration: 10,
    isPromptRequired: { image_to_video: false, text_to_video: false },
    canAudio: false,
    outputFormats: [],
    creditsPerSec: () => 5,
  },
  'veo3.1': veo(40, 20),
  'veo3.1_fast': veo(15, 10),
};

export interface AcceptedCreate {
  model: string;
  durationSec: number;
  ratio: string;
  estimatedCredits: number;
}

const isUriOk = (u: unknown): boolean => {
  if (typeof u !== 'string' || u.length === 0) return false;
  if (u.startsWith('data:image/')) return u.length < 5_000_000 && u.includes(';base64,');
  if (u.startsWith('runway://')) return true;
  if (!u.startsWith('https://') || u.length > 2048) return false;
  try {
    const host = new URL(u).hostname;
    return !/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && !host.startsWith('[');
  } catch {
    return false;
  }
};

/** Validates a create body; returns Runway-style error text for a 400, or what was accepted. */
export function validateCreate(endpoint: FakeEndpoint, body: unknown): AcceptedCreate | { error: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'Request body must be a JSON object' };
  const b = body as Record<string, unknown>;
  const model = b.model;
  if (typeof model !== 'string') return { error: "Invalid parameter 'model'" };
  const spec = FAKE_MODELS[model];
  const ratios = spec?.ratios[endpoint];
  if (!spec || !ratios) return { error: `Invalid parameter 'model': ${model} is not available on /v1/${endpoint}` };
  if (typeof b.ratio !== 'string' || !ratios.includes(b.ratio)) return { error: `Invalid parameter 'ratio': must be one of ${ratios.join(', ')}` };
  let duration = spec.defaultDuration;
  if (b.duration === undefined) {
    if (spec.isDurationRequired) return { error: "Invalid parameter 'duration': required" };
  } else {
    const d = b.duration;
    const ok = typeof d === 'number' && Number.isInteger(d) && (Array.isArray(spec.durations) ? spec.durations.includes(d) : d >= (spec.durations as { min: number }).min && d <= (spec.durations as { max: number }).max);
    if (!ok) return { error: "Invalid parameter 'duration'" };
    duration = d as number;
  }
  const prompt = b.promptText;
  if (prompt === undefined) {
    if (spec.isPromptRequired[endpoint]) return { error: "Invalid parameter 'promptText': required" };
  } else if (typeof prompt !== 'string' || prompt.length < 1 || prompt.length > 1000) return { error: "Invalid parameter 'promptText'" };
  if (endpoint === 'image_to_video') {
    const img = b.promptImage;
    const ok = Array.isArray(img) ? img.length > 0 && img.every((x: { uri?: unknown; position?: unknown }) => isUriOk(x?.uri) && (x.position === 'first' || x.position === 'last')) : isUriOk(img);
    if (!ok) return { error: "Invalid parameter 'promptImage': Only HTTPS URLs on a domain name, data URIs under 5 MB, or runway:// URIs are allowed" };
  } else if (b.promptImage !== undefined) return { error: "Invalid parameter 'promptImage': not accepted by text_to_video" };
  if (b.seed !== undefined && !(typeof b.seed === 'number' && Number.isInteger(b.seed) && b.seed >= 0 && b.seed <= 4294967295)) return { error: "Invalid parameter 'seed'" };
  if (b.audio !== undefined && (!spec.canAudio || typeof b.audio !== 'boolean')) return { error: "Invalid parameter 'audio'" };
  if (b.negativePrompt !== undefined && !spec.canAudio) return { error: "Invalid parameter 'negativePrompt'" };
  if (b.outputFormat !== undefined && !spec.outputFormats.includes(b.outputFormat as string)) return { error: "Invalid parameter 'outputFormat'" };
  return { model, durationSec: duration, ratio: b.ratio, estimatedCredits: spec.creditsPerSec(b) * duration };
}
