import { createRequire } from 'node:module';
import type SharpModule from 'sharp';
import type { AttachmentType } from '../schemas/attachment';

/**
 * Photos are re-encoded with sharp (libvips) before anyone may fetch them: the EXIF orientation is
 * applied to the pixels (so the photo stands as it was taken), and nothing else of the original's
 * metadata is written out. sharp writes no metadata unless told to (`keepMetadata`,
 * `withMetadata`), so EXIF, GPS, XMP, IPTC and ICC comments are all dropped; the colours are
 * converted to sRGB, which every viewer assumes.
 *
 * sharp is a native module: it is loaded with `require` at run time instead of being bundled.
 * Locally that finds node_modules; deployed it finds the linux-arm64 build in the function's layer
 * (infra/sharp-layer.ts), on the runtime's NODE_PATH (/opt/nodejs/node_modules). Loaded on first
 * use, so a function that only presigns never loads it.
 */
let sharp: typeof SharpModule | undefined;
const loadSharp = (): typeof SharpModule => (sharp ??= createRequire(import.meta.url)('sharp') as typeof SharpModule);

/** Pixels a photo may have: a 50-megapixel phone photo passes, a decompression bomb does not. */
export const maxInputPixels = 100_000_000;
/** The longer side of a stored photo: more than any screen shows, far less than a bomb's. */
export const maxStoredSide = 4096;

/** The photo without metadata, in its own format; throws when the bytes are no decodable image. */
export const reencodeImage = async (bytes: Uint8Array, type: Exclude<AttachmentType, 'application/pdf'>): Promise<Buffer> => {
  const image = loadSharp()(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' })
    .rotate()
    .resize({ width: maxStoredSide, height: maxStoredSide, fit: 'inside', withoutEnlargement: true });
  switch (type) {
    case 'image/jpeg':
      return image.jpeg({ quality: 85 }).toBuffer();
    case 'image/png':
      return image.png().toBuffer();
    case 'image/webp':
      return image.webp({ quality: 85 }).toBuffer();
  }
};
