// The slice of `qrcode` (no bundled types) the review command and review links use.
declare module 'qrcode' {
  export function toString(text: string, options?: { type?: 'terminal' | 'utf8' | 'svg'; small?: boolean; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): Promise<string>;
  export function toDataURL(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; margin?: number; width?: number }): Promise<string>;
}
