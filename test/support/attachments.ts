import sharp from 'sharp';
import type { Api } from './stack';

/** Test files for attachments: photos made with sharp, with the metadata a phone writes. */

/** A JPEG the way a phone writes one: GPS position, camera make and model, an orientation. */
export const phoneJpeg = (width = 64, height = 48): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 12' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 2700/100', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 1700/100' },
    })
    .toBuffer();

export const pngImage = (): Promise<Buffer> => sharp({ create: { width: 8, height: 8, channels: 4, background: '#3366ff' } }).png().toBuffer();

export interface Upload {
  readonly id: string;
  readonly status: number;
}

/** POST /api/attachments, then the presigned POST to storage as a browser form would send it. */
export const uploadAttachment = async (
  http: Api,
  declared: { fileName: string; contentType: string; size?: number },
  bytes: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ id: string; storageStatus: number }> => {
  const r = await http.post('/api/attachments', { size: bytes.length, ...declared }, headers);
  if (r.status !== 201) throw new Error(`POST /api/attachments: ${r.status} ${r.text}`);
  const { id, upload } = r.json as { id: string; upload: { url: string; fields: Record<string, string> } };
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: declared.contentType }), declared.fileName);
  const stored = await fetch(upload.url, { method: 'POST', body: form });
  await stored.arrayBuffer();
  return { id, storageStatus: stored.status };
};

/** Whether an EXIF block holds a GPS IFD (its pointer tag 0x8825, in either byte order). */
export const hasGpsIfd = (exif: Buffer | undefined): boolean =>
  exif !== undefined && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));
