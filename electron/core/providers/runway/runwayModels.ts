/**
 * What Runway's generation endpoints accept per model (docs/runway.md §6 "Request bodies", SDK
 * 4.20.1 types). Pure data: validation and request building read it.
 */
export type RunwayEndpoint = 'image_to_video' | 'text_to_video';

export type DurationRule =
  | { kind: 'range'; min: number; max: number; required: boolean }
  | { kind: 'set'; values: readonly number[]; required: boolean };

export interface EndpointSpec {
  ratios: readonly string[];
  duration: DurationRule;
  isPromptRequired: boolean;
}

export interface RunwayModelSpec {
  model: string;
  endpoints: Partial<Record<RunwayEndpoint, EndpointSpec>>;
  canAudio: boolean;
  canNegativePrompt: boolean;
  /** Output formats accepted besides the default mp4 (none = mp4 only). */
  outputFormats: readonly string[];
}

const GEN4_RATIOS = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'] as const;
const VEO_RATIOS = ['1280:720', '720:1280', '1080:1920', '1920:1080'] as const;
const TWO_TO_TEN = { kind: 'range', min: 2, max: 10 } as const;
const VEO_DURATIONS = { kind: 'set', values: [4, 6, 8], required: false } as const;

/**
 * gen4.5 outputFormat values that produce one video file. The sequence formats (png, exr) come back
 * as zip archives the take store cannot play, so Circle Take refuses them up front.
 */
const GEN45_VIDEO_FORMATS = ['mp4', 'prores', 'hdr10', 'hlg', 'sdr_rec709_10bit', 'hdr_pq_12bit_master', 'hdr_prores'] as const;
export const SEQUENCE_FORMATS: readonly string[] = ['png_sequence', 'hdr_png_sequence', 'hdr_exr_sequence', 'hdr_exr_acescg_sequence_1_3', 'hdr_exr_acescg_sequence_2_0'];

const veo = (model: string): RunwayModelSpec => ({
  model,
  endpoints: {
    image_to_video: { ratios: VEO_RATIOS, duration: VEO_DURATIONS, isPromptRequired: false },
    text_to_video: { ratios: VEO_RATIOS, duration: VEO_DURATIONS, isPromptRequired: true },
  },
  canAudio: true,
  canNegativePrompt: true,
  outputFormats: [],
});

export const RUNWAY_MODELS: Readonly<Record<string, RunwayModelSpec>> = {
  'gen4.5': {
    model: 'gen4.5',
    endpoints: {
      image_to_video: { ratios: GEN4_RATIOS, duration: { ...TWO_TO_TEN, required: true }, isPromptRequired: true },
      text_to_video: { ratios: ['1280:720', '720:1280'], duration: { ...TWO_TO_TEN, required: true }, isPromptRequired: true },
    },
    canAudio: false,
    canNegativePrompt: false,
    outputFormats: GEN45_VIDEO_FORMATS,
  },
  gen4_turbo: {
    model: 'gen4_turbo',
    endpoints: { image_to_video: { ratios: GEN4_RATIOS, duration: { ...TWO_TO_TEN, required: false }, isPromptRequired: false } },
    canAudio: false,
    canNegativePrompt: false,
    outputFormats: [],
  },
  'veo3.1': veo('veo3.1'),
  'veo3.1_fast': veo('veo3.1_fast'),
};

/** Models Runway removed, with what replaced them. */
export const RETIRED_RUNWAY_MODELS: Readonly<Record<string, string>> = {
  gen3a_turbo: 'gen4_turbo (image to video) or gen4.5',
  gen4_aleph: 'aleph2 (video to video)',
  veo3: 'veo3.1',
  upscale_v1: 'magnific_video_upscaler_creative',
};

/** Runway models that exist but are not video generation from a prompt and an optional first frame. */
export const OTHER_RUNWAY_MODELS: readonly string[] = ['aleph2', 'act_two', 'gen4_image', 'gen4_image_turbo', 'gemini_2.5_flash', 'gpt_image_2', 'magnific_video_upscaler_creative', 'magnific_precision_upscaler_v2', 'enhance_frame_rate'];

export const SUPPORTED_RUNWAY_MODELS: readonly string[] = Object.keys(RUNWAY_MODELS);
