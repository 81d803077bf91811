/**
 * The pages' texts for every problem the API answers with (shared/http/problem.ts `problemTypes`)
 * and the Chinese for the English sentences the server puts in `detail` and `errors[].message`.
 * Plain data without the DOM, so a unit test can check it against the server's code: every
 * problem type has a text in both languages, and every sentence the server writes has its Chinese
 * (test/unit/problem-texts.test.ts).
 */

export interface Texts {
  readonly zh: string;
  readonly en: string;
}

/**
 * By the last segment of the problem type (`https://yijian.example/problems/<name>`). `{s}` is the
 * Retry-After in seconds. The room's texts name the network, not the person: a hall shares one
 * address, and the pages retry once with a fresh proof of work (./room.ts) before showing them.
 */
export const problemTypeTexts: Record<string, Texts> = {
  validation: { zh: '有些内容不符合要求，请按提示修改后再试。', en: 'Some fields need changing; see the notes next to them and try again.' },
  'malformed-json': { zh: '请求的格式有误，请刷新页面后再试。', en: 'The request was not in the right format; reload the page and try again.' },
  'not-found': { zh: '没有找到要找的内容，它可能已被删除，或链接有误。', en: 'Nothing was found here; it may have been removed, or the link is wrong.' },
  conflict: { zh: '当前状态下不能这样操作，请刷新后再看。', en: 'This is not possible in the current state; reload and look again.' },
  'session-closed': { zh: '这个场次已经结束，不再接收评分和意见。', en: 'This session is closed: it takes no more ratings or submissions.' },
  stale: { zh: '其他人刚刚修改过这条事项，请刷新后再操作。', en: 'Someone else changed this item just now; reload it and try again.' },
  'too-large': { zh: '内容太长，超过了一次能提交的大小，请删减一些后再试。', en: 'This is too long to send in one go; shorten it and try again.' },
  'unsupported-media-type': { zh: '请求的格式有误，请刷新页面后再试。', en: 'The request was not in the right format; reload the page and try again.' },
  'rate-limited': {
    zh: '这个网络的提交较多，正在自动验证，请再点一次提交；或 {s} 秒后再试。',
    en: 'Many submissions are coming from this network; an automatic check is under way. Press the button again, or try again in {s} seconds.',
  },
  'room-limit': {
    zh: '这个会场网络的提交已达到本时段上限，请 {s} 秒后再试。',
    en: 'This network has reached its limit of submissions for now; try again in {s} seconds.',
  },
  'proof-used': { zh: '这次提交的自动验证已用过，请再点一次提交。', en: 'The automatic check of this submission was already used; press the button again.' },
  'proof-invalid': { zh: '提交时的自动验证没有通过，请刷新页面后再试。', en: 'The automatic check of this submission failed; reload the page and try again.' },
  'proof-expired': { zh: '提交时的自动验证已过期，请再点一次提交。', en: 'The automatic check of this submission has expired; press the button again.' },
  unavailable: { zh: '服务暂时繁忙，请 {s} 秒后再试。', en: 'The service is busy; try again in {s} seconds.' },
  'method-not-allowed': { zh: '这个操作不受支持，请刷新页面后再试。', en: 'This operation is not supported; reload the page and try again.' },
  'attachment-too-large': { zh: '文件太大了：每个附件最大 10 MB。', en: 'The file is too large: an attachment may be at most 10 MB.' },
  'attachment-type': { zh: '只能上传照片（JPEG、PNG、WebP）或 PDF 文件。', en: 'Only photos (JPEG, PNG, WebP) and PDF files can be attached.' },
};

/** `about:blank` problems (and answers without a problem document), by status; 0 is no answer at all. */
export const statusTexts: Record<number | 'other', Texts> = {
  0: { zh: '网络连接失败，请检查网络后再试。', en: 'The network connection failed; check it and try again.' },
  400: problemTypeTexts.validation!,
  401: { zh: '登录已过期，请重新登录。', en: 'Your sign-in has expired; sign in again.' },
  403: { zh: '您的角色不能进行这个操作，或不能查看这些内容。', en: 'Your role does not allow this, or may not see this.' },
  404: problemTypeTexts['not-found']!,
  405: problemTypeTexts['method-not-allowed']!,
  409: problemTypeTexts.conflict!,
  412: problemTypeTexts.stale!,
  413: problemTypeTexts['too-large']!,
  415: problemTypeTexts['unsupported-media-type']!,
  429: { zh: '请求太频繁了，请 {s} 秒后再试。', en: 'Too many requests; try again in {s} seconds.' },
  500: { zh: '服务出了问题，已记录下来，请稍后再试。', en: 'Something went wrong on our side; it has been logged. Try again later.' },
  503: problemTypeTexts.unavailable!,
  other: { zh: '操作没有成功（{status}），请稍后再试。', en: 'That did not work ({status}); try again later.' },
};

/** A field error the pages cannot say better: never the server's English on a Chinese page. */
export const unknownFieldText: Texts = { zh: '这一项填写有误，请检查。', en: 'This field is not right; please check it.' };

/** The server's fixed English sentences (`detail`, `errors[].message`) and their Chinese. */
const fixed: Record<string, string> = {
  // Fields (shared/schemas/).
  'Must not be blank.': '不能只有空白。',
  'Must not contain control characters.': '不能包含控制字符。',
  'Must not contain bidirectional override characters.': '不能包含改变文字方向的控制字符。',
  'Must be valid Unicode text.': '包含无效的字符，请删除后再试。',
  'Must be an e-mail address.': '请填写有效的电子邮箱。',
  'Must be a phone number.': '请填写有效的电话号码。',
  'Give at least one of name, email or phone, or leave contact out.': '请至少填写姓名、邮箱或电话中的一项。',
  'An anonymous submission cannot carry contact details.': '匿名提交不能附带联系方式。',
  'Only training feedback carries a rating.': '只有培训反馈可以评分。',
  'A rejection needs a reason; the submitter will see it.': '不予受理需要写明理由，提交人会看到。',
  'Say which item this one duplicates.': '请填写要合并到的事项编号。',
  'Unknown field.': '包含不认识的字段，请刷新页面后再试。',
  'Must be an id of 1..64 letters, digits, _ . : -.': '编号只能由 1 到 64 个字母、数字和 _ . : - 组成。',
  'Must be 8..128 visible ASCII characters.': '请求编号无效，请刷新页面后再试。',
  'A JSON body is required.': '请求内容为空，请刷新页面后再试。',
  'Not a cursor this API gave out.': '分页位置无效，请从第一页重新查看。',
  'Must be the item version in quotes, as its ETag gives it.': '事项版本无效，请刷新后再操作。',
  'Required: the version in quotes, as the ETag gave it.': '事项版本缺失，请刷新后再操作。',
  // The form's own (lib/submission-form.tsx): the characters fit, the request's bytes do not.
  'Too long to send in one go: emoji and rare characters take more room; shorten the text.': '内容太长，超过了一次能提交的大小（表情符号和生僻字占用更多空间），请删减一些。',
  // Training sessions (the console's session form and meeting records, the session page).
  'Must be after startsAt.': '结束时间必须晚于开始时间。',
  'No such group.': '没有这个督导组。',
  'No such unit.': '没有这个单位。',
  'No such item to merge into.': '没有要合并到的这条事项，请检查编号。',
  'Give at least one field to change.': '没有需要保存的修改。',
  'No session with this code and key.': '场次链接无效。',
  'Invalid input': '输入无效。',
  // Attachments (shared/schemas/attachment.ts, shared/services/attach.ts).
  'Must be an attachment id as POST /api/attachments gave it.': '附件编号无效，请重新上传。',
  'The same attachment is named twice.': '同一个附件添加了两次。',
  'Must be a media type, like image/jpeg.': '文件类型无效。',
  'No such upload: it was never made, is attached already, or has expired.': '这个附件无效：可能没有上传成功、已经用过或已过期，请重新上传。',
  'Nothing was uploaded for this attachment yet.': '这个附件还没有上传完成，请重新上传。',
  'The photo could not be read.': '这张照片无法读取，请换一张。',
  'An attachment cannot be attached.': '有附件不能添加，请按提示处理。',
  'No such attachment.': '没有这个附件，或您无权查看。',
  // Details of problems (shared/services/, shared/http/problem.ts).
  'The request has invalid fields.': '有些内容不符合要求，请按提示修改后再试。',
  'The body is empty.': '请求内容为空，请刷新页面后再试。',
  'Nothing was found here.': '没有找到要找的内容。',
  'No such session.': '没有这个场次。',
  'No such item.': '没有这条事项，或您无权查看。',
  'No such kept notice.': '没有这条待发送的通知。',
  'No submission with this tracking code and access key.': '查询码或密钥不对，请检查后再试。',
  'Only the office creates sessions of its own.': '只有办公室可以创建不属于督导组的场次。',
  'You can only create sessions for your own groups.': '只能为自己所在的督导组创建场次。',
  'Only the office and the session’s group edit it.': '只有办公室和该场次的督导组可以修改。',
  'Only the office and the session’s group record its meeting.': '只有办公室和该场次的督导组可以记录座谈会。',
  'Some entries are invalid; nothing was stored.': '有些条目不符合要求，全部没有保存。',
  'This Idempotency-Key was already used for a different submission.': '这次提交与之前的提交冲突，请刷新页面后再试。',
  'You can only see the items of your own groups.': '只能查看自己所在督导组的事项。',
  'You can only see the rectifications of your own unit.': '只能查看本单位的整改。',
  'You can only see the rectifications of your own groups.': '只能查看自己所在督导组的整改。',
  'Your role does not allow this on this rectification.': '您的角色不能对这项整改进行此操作。',
  'This item has no rectification plan yet.': '这条事项还没有整改计划。',
  'The deadline must be today or later.': '整改时限不能早于今天。',
  'You can only see the sessions of your own groups.': '只能查看自己所在督导组的场次。',
  'Only the office handles notices that could not be sent.': '只有办公室可以处理未能发送的通知。',
  'This notice is being sent right now.': '这条通知正在发送，请稍后再看。',
  'Your role does not allow this on this item.': '您的角色不能对这条事项进行这个操作。',
  'Only good practices can be recommended.': '只有好做法可以推荐。',
  'The target item is itself merged into another item.': '要合并到的事项本身已经合并到其他事项，请改为合并到那一条。',
  'The item this one was merged into has not been answered yet.': '合并后的事项还没有答复，答复后才能评价。',
  'You have already rated the latest answer.': '您已经评价过最新的答复。',
  'The item has no due date to extend: it has not been routed to a group yet.': '这条事项还没有分派给督导组，没有可以延长的办理期限。',
  'An extension request for this item is already waiting for the office.': '这条事项已有一个延期申请正在等待领导小组办公室审批。',
  'There is no extension request waiting for a decision on this item.': '这条事项没有等待审批的延期申请。',
  'The item has no due date to extend.': '这条事项没有可以延长的办理期限。',
  'Only the office manages the directory.': '只有办公室可以管理名录。',
  'The directory has problems; nothing was changed.': '名录有错误，没有做任何修改。',
  'Only the office and leaders export.': '只有办公室和领导可以导出。',
  'Only the office and leaders read the report.': '只有办公室和领导可以查看报告。',
  '`from` must not be after `to`.': '开始日期不能晚于结束日期。',
  'This session is closed: it takes no more ratings or submissions.': '这个场次已经结束，不再接收评分和意见。',
  'This item has no published answer to withdraw.': '这条事项没有已公开的答复，无需撤回。',
};

/** Sentences with a number or a name in them: their pattern and their Chinese. */
const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Must be at least (\d+) characters?\.$/, (m) => (m[1] === '1' ? '必填。' : `至少 ${m[1]} 个字。`)],
  [/^Must be at most (\d+) characters\.$/, (m) => `最多 ${m[1]} 个字。`],
  [/^Invalid input: expected \w+, received undefined$/, () => '必填。'],
  [/^Invalid option/, () => '请从列表中选择。'],
  [/^Invalid ISO datetime/, () => '请填写日期和时间。'],
  [/^Too big: expected array to have <=(\d+) items$/, (m) => `最多 ${m[1]} 项。`],
  [/^Too small: expected array to have >=(\d+) items?$/, (m) => `至少 ${m[1]} 项。`],
  [/^This is not possible while the submission is (\w+)\.$/, () => '这条意见当前的状态下不能这样操作，请刷新后再看。'],
  [/^This submission already has (\d+) follow-ups, the most it can take\.$/, (m) => `这条意见已有 ${m[1]} 条追问，已达上限。`],
  [/^"(\w[\w-]*)" is not possible while the item is (\w+)\.$/, () => '这条事项当前的状态下不能这样操作，请刷新后再看。'],
  [/^This item already has (\d+) replies, the most it can take\.$/, (m) => `这条事项已有 ${m[1]} 条答复，已达上限。`],
  [/^As many answers are published as may be \((\d+)\); withdraw one first\.$/, (m) => `公开答复已达上限（${m[1]} 条），请先撤回一些。`],
  [/^At most (\d+) attachments\.$/, (m) => `最多 ${m[1]} 个附件。`],
  [/^The uploaded file is not the (\d+) bytes declared/, () => '上传的文件与声明的大小不符，请重新上传。'],
  [/^The file's content is not /, () => '文件内容与它的类型不符（例如把 PNG 图片改名为 PDF），请换一个文件。'],
  [/^An attachment may be at most (\d+) bytes\.$/, () => '文件太大了：每个附件最大 10 MB。'],
  [/^An attachment must be one of /, () => '只能上传照片（JPEG、PNG、WebP）或 PDF 文件。'],
  [/^"(\w[\w-]*)" is not possible while the rectification is (\w+)\.$/, () => '这项整改当前的状态下不能这样操作，请刷新后再看。'],
  [/^A (\w+) item is not rectified\.$/, () => '已不予受理或已合并的事项不作整改。'],
  [/^This rectification already has (\d+) progress reports, the most it takes\.$/, (m) => `这项整改已有 ${m[1]} 条进展，已达上限。`],
];

/** The Chinese for one of the server's English sentences, or null for a sentence it does not know. */
export const chineseFor = (english: string): string | null => {
  const known = fixed[english];
  if (known) return known;
  for (const [pattern, say] of patterns) {
    const m = pattern.exec(english);
    if (m) return say(m);
  }
  return null;
};
