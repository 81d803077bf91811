/**
 * A session's poster (one printable A4 page) and its projector view (full screen), both with a
 * large QR code of the session's full link. The QR code library is loaded only here, on demand,
 * so no other page (and not the console's first load) carries it. The code is drawn as SVG and
 * shown as an image: crisp in print and in Chromium's PDF, and no inline markup under the CSP.
 */
import { useEffect, useState } from 'preact/hooks';
import { sessionTime } from '../lib/session-time';
import { Banner } from '../lib/ui';
import { fullLink, shortLink, type TrainingSession } from './session-data';
import { st } from './session-strings';

/** The QR code of `text` as an SVG data URL (null while the library loads). */
const useQrCode = (text: string): { src: string | null; error: string } => {
  const [state, setState] = useState<{ src: string | null; error: string }>({ src: null, error: '' });
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const { toString } = await import('qrcode');
        // Level M (15% recovery) keeps the modules large on a printed page or across a hall.
        const svg = await toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
        if (!cancelled) setState({ src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, error: '' });
      } catch (error) {
        if (!cancelled) setState({ src: null, error: error instanceof Error ? error.message : String(error) });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [text]);
  return state;
};

export const QrImage = (props: { text: string; id: string; class: string; alt?: string }) => {
  const qr = useQrCode(props.text);
  if (qr.error) return <Banner kind="bad">{st('qrFailed', { reason: qr.error })}</Banner>;
  if (!qr.src) return <p role="status">{st('qrLoading')}</p>;
  return <img id={props.id} class={props.class} src={qr.src} alt={props.alt ?? st('qrAlt')} />;
};

export const PosterView = (props: { session: TrainingSession; timeZone: string }) => {
  const { session } = props;
  useEffect(() => {
    // Only the poster is printed: the rest of the console is hidden by print CSS keyed on this class.
    document.body.classList.add('print-sheet');
    return () => document.body.classList.remove('print-sheet');
  }, []);
  return (
    <>
      <p class="no-print">
        <button type="button" class="primary" id="print-poster" onClick={() => print()}>
          {st('print')}
        </button>
      </p>
      <article class="poster" id="poster" aria-labelledby="poster-heading">
        <h2 id="poster-heading" class="poster-heading">
          {st('posterHeading')}
        </h2>
        <p class="poster-sub">{st('posterSub')}</p>
        <p class="poster-title">{session.title}</p>
        <p class="poster-when">
          {sessionTime(session, props.timeZone)}
          {session.place ? ` · ${session.place}` : ''}
        </p>
        <QrImage text={fullLink(session)} id="poster-qr" class="poster-qr" />
        <p class="poster-link">
          {st('posterLink')}: <span lang="en">{shortLink(session)}</span>
        </p>
        <p class="poster-code">
          {st('posterCode')}: <strong lang="en">{session.code}</strong>
        </p>
        <ol class="poster-steps">
          <li>{st('posterStep1')}</li>
          <li>{st('posterStep2')}</li>
          <li>{st('posterStep3')}</li>
        </ol>
      </article>
    </>
  );
};

export const ProjectorView = (props: { session: TrainingSession }) => {
  const { session } = props;
  const back = `#/session/${encodeURIComponent(session.code)}`;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.fullscreenElement) location.hash = back;
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [back]);
  return (
    <div class="projector" id="projector" role="region" aria-labelledby="projector-title">
      <div class="projector-bar">
        <button type="button" onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
          {st('projectorFull')}
        </button>
        <a class="button" href={back}>
          {st('projectorExit')}
        </a>
      </div>
      <QrImage text={fullLink(session)} id="projector-qr" class="projector-qr" />
      <div class="projector-text">
        <h1 id="projector-title">{session.title}</h1>
        <p class="projector-scan">{st('projectorScan')}</p>
        <p class="projector-code" lang="en">
          {session.code}
        </p>
        <p class="projector-link" lang="en">
          {shortLink(session)}
        </p>
      </div>
    </div>
  );
};
