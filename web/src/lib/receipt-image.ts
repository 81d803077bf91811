/**
 * The receipt's QR code and its "save as image" PNG. Loaded only when a receipt is shown (a
 * dynamic import in ./submission-form.tsx), so the form's first load does not carry the QR code
 * library. The PNG is drawn on a canvas in the page: nothing leaves the phone.
 */
import { toDataURL } from 'qrcode';

/** The QR code of `text` as a PNG data URL; level M keeps the modules large on a phone's screen. */
export const qrDataUrl = (text: string): Promise<string> => toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 264 });

export interface ReceiptPicture {
  readonly heading: string;
  readonly lines: readonly { label: string; value: string; mono?: boolean }[];
  readonly qr: string;
  readonly footer: string;
}

const loadImage = (src: string): Promise<HTMLImageElement> =>
  new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the QR code image did not load'));
    image.src = src;
  });

/** Wraps `text` into lines that fit `width` on `context` (CJK text breaks anywhere). */
const wrap = (context: CanvasRenderingContext2D, text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line && context.measureText(line + ch).width > width) {
      lines.push(line);
      line = ch.trim() ? ch : '';
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines;
};

/**
 * The receipt as one PNG (a data URL: the pages' CSP allows `data:` images, not `blob:`): heading,
 * each labelled value, the QR code, a footer.
 */
export const receiptPng = async (picture: ReceiptPicture): Promise<string> => {
  const width = 720;
  const pad = 40;
  const qr = await loadImage(picture.qr);
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d')!;
  const sans = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  context.font = `24px ${sans}`;
  const footer = wrap(context, picture.footer, width - 2 * pad);
  canvas.width = width;
  canvas.height = pad + 56 + picture.lines.length * 92 + qr.height + 24 + footer.length * 34 + pad;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#111111';
  context.textBaseline = 'top';
  let y = pad;
  context.font = `bold 36px ${sans}`;
  context.fillText(picture.heading, pad, y);
  y += 56;
  for (const line of picture.lines) {
    context.font = `22px ${sans}`;
    context.fillStyle = '#555555';
    context.fillText(line.label, pad, y);
    context.font = line.mono ? 'bold 30px "DejaVu Sans Mono", Menlo, Consolas, monospace' : `bold 30px ${sans}`;
    context.fillStyle = '#111111';
    context.fillText(line.value, pad, y + 30, width - 2 * pad);
    y += 92;
  }
  context.drawImage(qr, (width - qr.width) / 2, y);
  y += qr.height + 24;
  context.font = `24px ${sans}`;
  for (const line of footer) {
    context.fillText(line, pad, y);
    y += 34;
  }
  return canvas.toDataURL('image/png');
};
