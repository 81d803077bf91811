/**
 * Reading a QR code back out of what Chromium made: a PDF rasterised by MuPDF (WASM, in this
 * process) or a PNG screenshot, decoded by jsQR. What the browser tests use to prove that the
 * poster's printed QR code leads to the session's link.
 */
import jsQR from 'jsqr';
import * as mupdf from 'mupdf';

/** RGB(A) pixels of any component count -> the RGBA jsQR reads. */
const toRgba = (pixmap: mupdf.Pixmap): { data: Uint8ClampedArray; width: number; height: number } => {
  const width = pixmap.getWidth();
  const height = pixmap.getHeight();
  // Components per pixel, alpha included (MuPDF counts it in).
  const n = pixmap.getNumberOfComponents();
  const stride = pixmap.getStride();
  const src = pixmap.getPixels();
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = y * stride + x * n;
      const d = (y * width + x) * 4;
      data[d] = src[s]!;
      data[d + 1] = src[n >= 3 ? s + 1 : s]!;
      data[d + 2] = src[n >= 3 ? s + 2 : s]!;
      data[d + 3] = 255;
    }
  }
  return { data, width, height };
};

const decode = (pixmap: mupdf.Pixmap): string | null => {
  const { data, width, height } = toRgba(pixmap);
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
};

export interface PdfPage {
  /** Width and height in points (A4 portrait: 595 × 842). */
  readonly width: number;
  readonly height: number;
  readonly text: string;
  /** The QR code on the page, decoded, or null. */
  readonly qr: string | null;
}

/** Every page of a PDF: its size, its text and the QR code on it (rendered at 150 dpi). */
export const readPdf = (pdf: Uint8Array): PdfPage[] => {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  const pages: PdfPage[] = [];
  for (let i = 0; i < doc.countPages(); i++) {
    const page = doc.loadPage(i);
    const [x0, y0, x1, y1] = page.getBounds();
    const scale = 150 / 72;
    const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false, true);
    pages.push({ width: x1 - x0, height: y1 - y0, text: page.toStructuredText('preserve-whitespace').asText(), qr: decode(pixmap) });
  }
  return pages;
};

/** The QR code in a PNG (a screenshot), decoded, or null. */
export const readQrFromPng = (png: Uint8Array): string | null => decode(new mupdf.Image(png).toPixmap());
