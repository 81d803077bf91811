/**
 * Photos and documents on the pages (API.md v2, "Attachments"): the picker that shrinks photos in
 * the browser and uploads each straight to storage through its presigned POST, with progress; and
 * the list that shows a view's attachments through short-lived signed URLs.
 *
 * The pages never put an access key or a token in a URL: they ask the download route for its
 * signed URL as JSON (`Accept: application/json`, which apiRequest sends) and show that.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiResult } from './api';
import { dictionary } from './i18n';
import { problemText } from './messages';

const t = dictionary(
  {
    add: '添加照片',
    addFiles: '添加照片或 PDF',
    hint: '最多 {n} 个；照片会先在手机上压缩再上传，并去掉拍摄地点等信息。',
    uploading: '正在上传 {p}%',
    uploaded: '已上传',
    failed: '上传失败',
    remove: '删除 {name}',
    full: '最多只能添加 {n} 个。',
    unreadable: '这张照片无法读取，请换一张。',
    waitUploads: '请等照片上传完成后再提交。',
    attachments: '附件',
    open: '打开 {name}',
    loading: '正在加载…',
  },
  {
    add: 'Add photos',
    addFiles: 'Add photos or PDFs',
    hint: 'Up to {n}; photos are shrunk on the phone before upload, without where they were taken.',
    uploading: 'Uploading {p}%',
    uploaded: 'Uploaded',
    failed: 'Upload failed',
    remove: 'Remove {name}',
    full: 'At most {n} can be added.',
    unreadable: 'This photo cannot be read; choose another.',
    waitUploads: 'Wait until the photos are uploaded, then submit.',
    attachments: 'Attachments',
    open: 'Open {name}',
    loading: 'Loading…',
  },
);

export { t as attachmentTexts };

/** An attachment as views list it. */
export interface AttachmentView {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

/** What POST /api/attachments answers. */
export interface PresignedUpload {
  id: string;
  upload: { url: string; method: 'POST'; fields: Record<string, string> };
  expiresAt: string;
}

/** The longer side of a photo as uploaded: plenty for evidence, a few hundred KB instead of megabytes. */
export const shrunkSide = 1600;

/**
 * The photo drawn onto a canvas no larger than `shrunkSide` and encoded as JPEG: smaller, and the
 * re-encoding leaves the camera's metadata behind already (the server re-encodes again anyway).
 * The browser applies the EXIF orientation when it decodes (`imageOrientation: 'from-image'`).
 */
export const shrinkPhoto = async (file: Blob): Promise<Blob> => {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, shrunkSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('encode'))), 'image/jpeg', 0.85));
};

/** The presigned POST, with upload progress (fetch has none): resolves to the storage's status, 0 for a network failure. */
export const postToStorage = (upload: PresignedUpload['upload'], file: Blob, fileName: string, onProgress: (fraction: number) => void): Promise<number> =>
  new Promise((resolve) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', file, fileName);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', upload.url);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => resolve(0);
    xhr.send(form);
  });

interface Picked {
  key: number;
  name: string;
  preview?: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  id?: string;
  error?: string;
}

export interface AttachmentPickerProps {
  /** The element id of the file input (its label's `for`). */
  readonly id: string;
  readonly max: number;
  /** POST /api/attachments as this page makes it: a public write, or with the staff token. */
  readonly presign: (declared: { fileName: string; contentType: string; size: number }) => Promise<ApiResult<PresignedUpload>>;
  /** The ids uploaded so far, and whether any is still on its way. */
  readonly onChange: (ids: string[], busy: boolean) => void;
  /** Staff may attach PDFs too; the phone form takes photos (and offers the camera). */
  readonly documents?: boolean;
  /** Changed by the page to start empty again (after a successful submission). */
  readonly resetKey?: unknown;
}

let nextKey = 1;

/** Up to `max` photos (and PDFs for staff), each shrunk and uploaded as soon as it is picked, removable. */
export const AttachmentPicker = (props: AttachmentPickerProps) => {
  const [items, setItems] = useState<Picked[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;

  useEffect(() => setItems([]), [props.resetKey]);
  useEffect(() => {
    onChange.current(items.flatMap((i) => (i.state === 'done' && i.id ? [i.id] : [])), items.some((i) => i.state === 'uploading'));
  }, [items]);
  useEffect(() => () => items.forEach((i) => i.preview && URL.revokeObjectURL(i.preview)), []);

  const update = (key: number, change: Partial<Picked>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const send = async (key: number, file: File) => {
    let blob: Blob = file;
    let name = file.name || 'photo.jpg';
    if (file.type.startsWith('image/')) {
      try {
        blob = await shrinkPhoto(file);
        name = name.replace(/\.[^.]*$/, '') + '.jpg';
      } catch {
        return update(key, { state: 'failed', error: t('unreadable') });
      }
      update(key, { preview: URL.createObjectURL(blob), name });
    }
    const contentType = blob.type || file.type;
    const presigned = await props.presign({ fileName: name, contentType, size: blob.size });
    if (!presigned.ok) return update(key, { state: 'failed', error: problemText(presigned) });
    const status = await postToStorage(presigned.json.upload, blob, name, (fraction) => update(key, { progress: Math.round(fraction * 100) }));
    update(key, status >= 200 && status < 300 ? { state: 'done', progress: 100, id: presigned.json.id } : { state: 'failed', error: t('failed') });
  };

  const onPick = (event: Event) => {
    const files = [...((event.target as HTMLInputElement).files ?? [])];
    (event.target as HTMLInputElement).value = '';
    const room = props.max - items.length;
    setNote(files.length > room ? t('full', { n: props.max }) : null);
    const taken = files.slice(0, Math.max(0, room)).map((file) => ({ file, picked: { key: nextKey++, name: file.name, progress: 0, state: 'uploading' as const } }));
    setItems((list) => [...list, ...taken.map((x) => x.picked)]);
    for (const { file, picked } of taken) void send(picked.key, file);
  };

  const remove = (item: Picked) => {
    if (item.preview) URL.revokeObjectURL(item.preview);
    setItems((list) => list.filter((i) => i.key !== item.key));
    input.current?.focus();
  };

  return (
    <div class="attachments-picker">
      <label class="button secondary file-button" for={props.id}>
        {props.documents ? t('addFiles') : t('add')}
      </label>
      <input
        ref={input}
        class="sr-only"
        type="file"
        id={props.id}
        multiple
        accept={props.documents ? 'image/*,application/pdf' : 'image/*'}
        {...(props.documents ? {} : { capture: 'environment' })}
        disabled={items.length >= props.max}
        aria-describedby={`${props.id}-hint`}
        onChange={onPick}
      />
      <p class="hint" id={`${props.id}-hint`}>
        {t('hint', { n: props.max })}
      </p>
      {note ? <p class="hint" role="status">{note}</p> : null}
      {items.length ? (
        <ul class="thumbs" aria-live="polite">
          {items.map((item) => (
            <li key={item.key} class={`thumb ${item.state}`} data-state={item.state}>
              {item.preview ? <img src={item.preview} alt="" /> : <span class="doc">PDF</span>}
              <span class="thumb-name">{item.name}</span>
              {item.state === 'uploading' ? (
                <progress max={100} value={item.progress} aria-label={t('uploading', { p: item.progress })} />
              ) : (
                <span class="thumb-state">{item.state === 'done' ? t('uploaded') : item.error ?? t('failed')}</span>
              )}
              <button type="button" class="link" aria-label={t('remove', { name: item.name })} onClick={() => remove(item)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
};

/**
 * A view's attachments: photos as thumbnails, documents as links, each through a signed URL the
 * page asks for (`link`: the download route as JSON, with the page's key or token).
 */
export const AttachmentList = (props: { attachments?: readonly AttachmentView[]; link: (id: string) => Promise<ApiResult<{ url: string }>> }) => {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const list = props.attachments ?? [];
  const ids = list.map((a) => a.id).join(',');
  useEffect(() => {
    let cancelled = false;
    void Promise.all(list.map(async (a) => [a.id, await props.link(a.id)] as const)).then((answers) => {
      if (cancelled) return;
      setUrls(Object.fromEntries(answers.flatMap(([id, r]) => (r.ok ? [[id, r.json.url]] : []))));
    });
    return () => {
      cancelled = true;
    };
  }, [ids]);
  if (list.length === 0) return null;
  return (
    <ul class="thumbs shown" aria-label={t('attachments')}>
      {list.map((a) => (
        <li key={a.id} class="thumb">
          {urls[a.id] ? (
            <a href={urls[a.id]} target="_blank" rel="noopener noreferrer" aria-label={t('open', { name: a.fileName })}>
              {a.contentType.startsWith('image/') ? <img src={urls[a.id]} alt={a.fileName} /> : <span class="doc">PDF</span>}
            </a>
          ) : (
            <span class="doc">{t('loading')}</span>
          )}
          <span class="thumb-name">{a.fileName}</span>
        </li>
      ))}
    </ul>
  );
};
