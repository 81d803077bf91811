/**
 * Demo items for a first start (`npm start` on a new data dir, local/seed-demo-items.ts): a few
 * dozen points across every status, group and kind of the demo directory (./directory.ts), each
 * with the story that brings it there. The stories are played through the real services, so the
 * history, the counters and the e-mails are what the same clicks would give.
 */
import type { Kind } from '../schemas/directory';
import type { Satisfaction } from '../schemas/submission';

export type DemoStep =
  | { readonly do: 'assign'; readonly groupId: string }
  | { readonly do: 'start' }
  | { readonly do: 'reply'; readonly body: string }
  | { readonly do: 'note'; readonly body: string }
  | { readonly do: 'close' }
  | { readonly do: 'rate'; readonly satisfaction: Satisfaction; readonly comment?: string }
  | { readonly do: 'follow-up'; readonly body: string }
  | { readonly do: 'reject'; readonly reason: string }
  /** Into the demo item with this title (listed earlier). */
  | { readonly do: 'merge'; readonly into: string }
  | { readonly do: 'recommend' }
  /** The office publishes its rewrite for everyone (答复公开). */
  | { readonly do: 'publish'; readonly title: string; readonly question: string; readonly answer: string }
  /** The item's group records the rectification plan for the item's unit, due this many days after the step. */
  | { readonly do: 'plan'; readonly measures: string; readonly standard: string; readonly deadlineDays: number }
  /** The unit's liaison reports progress (整改进展). */
  | { readonly do: 'progress'; readonly note: string; readonly done?: boolean }
  /** The item's group verifies (销号) or returns the rectification. */
  | { readonly do: 'verify'; readonly outcome: 'verified' | 'returned'; readonly note: string };

export interface DemoItem {
  readonly kind: Kind;
  readonly title: string;
  readonly body: string;
  readonly unitId?: string;
  readonly contact?: { readonly name?: string; readonly phone?: string; readonly email?: string };
  readonly rating?: number;
  /** Submitted this many days ago; the steps follow at even intervals until now. */
  readonly daysAgo: number;
  readonly steps: readonly DemoStep[];
}

const answer = (body: string): DemoStep => ({ do: 'reply', body });
const publish = (title: string, question: string, answerText: string): DemoStep => ({ do: 'publish', title, question, answer: answerText });

export const demoItems: readonly DemoItem[] = [
  // Still with the office (待分办): no unit named, no rule applies.
  { kind: 'question', title: '集中学习能否安排在周五下午', body: '不少同志周一上午有例会，能否把集中学习统一调到周五下午？', daysAgo: 0.2, steps: [] },
  { kind: 'suggestion', title: '建议学习资料提供电子版', body: '纸质资料携带不便，建议同步提供可检索的电子版，方便随时查阅。', daysAgo: 0.5, steps: [] },
  { kind: 'problem', title: '部分窗口午休时间无人值守', body: '中午十二点到一点半之间，办事大厅有两个窗口无人，群众等候时间较长。', daysAgo: 1, steps: [] },
  { kind: 'feedback', title: '专题辅导内容很实用', body: '案例贴近基层实际，讲解清楚，希望多安排类似的辅导。', rating: 5, daysAgo: 1.5, steps: [] },
  { kind: 'question', title: '学习笔记是否需要统一格式', body: '各支部要求不一，想确认是否有统一的笔记格式和检查时间。', contact: { name: '李明' }, daysAgo: 2, steps: [] },
  { kind: 'problem', title: '办事大厅排队叫号系统经常故障', body: '最近一周叫号屏多次黑屏，群众只能口头排队，秩序比较混乱。', daysAgo: 2.5, steps: [] },

  // Routed by unit (待处理 for its group).
  { kind: 'problem', title: '老旧小区加装电梯审批慢', body: '小区加装电梯的申请材料交了两个多月，一直没有明确答复。', unitId: 'u18', contact: { phone: '13800000001' }, daysAgo: 1, steps: [] },
  { kind: 'suggestion', title: '建议增加社区夜间便民服务', body: '上班族白天没时间办事，建议街道便民服务站每周开放一到两个晚上。', unitId: 'u34', daysAgo: 0.8, steps: [] },
  { kind: 'question', title: '课后服务收费标准在哪里公布', body: '想了解今年课后服务的收费标准和减免政策在哪里可以查到。', unitId: 'u57', contact: { email: 'parent@example.com' }, daysAgo: 1.2, steps: [] },
  { kind: 'feedback', title: '现场教学点安排合理', body: '参观路线紧凑，讲解员准备充分，收获很大。', unitId: 'u05', rating: 4, daysAgo: 0.6, steps: [] },
  { kind: 'problem', title: '镇卫生院周末无儿科医生', body: '周末孩子发烧只能去区里医院，希望镇卫生院周末安排儿科值班。', unitId: 'u42', daysAgo: 3, steps: [] },
  { kind: 'problem', title: '城投项目施工夜间噪音扰民', body: '滨江路施工工地晚上十一点后仍在作业，附近居民休息受到影响。', unitId: 'u48', contact: { name: '王女士', phone: '13800000002' }, daysAgo: 2, steps: [] },

  // Assigned by the office.
  { kind: 'problem', title: '公交站台遮雨棚损坏', body: '人民路口公交站台遮雨棚破损已有一个月，下雨天乘客只能淋雨等车。', daysAgo: 4, steps: [{ do: 'assign', groupId: 'g2' }] },
  { kind: 'suggestion', title: '建议整合各类填报表格', body: '基层每月需要填报的表格内容重复较多，建议整合共享数据，减少重复填报。', daysAgo: 3, steps: [{ do: 'assign', groupId: 'g1' }] },
  { kind: 'question', title: '退役军人优待证办理进度', body: '优待证申请已提交，不知道现在到了哪一步，大概什么时候能领取？', contact: { name: '张先生' }, daysAgo: 2, steps: [{ do: 'assign', groupId: 'g1' }] },

  // Overdue: routed weeks ago and not yet answered.
  { kind: 'problem', title: '农贸市场周边占道经营', body: '农贸市场门口早晚占道经营严重，车辆通行困难，存在安全隐患。', unitId: 'u31', daysAgo: 26, steps: [{ do: 'start' }, { do: 'plan', measures: '划定临时疏导区，早晚高峰安排专人巡查劝导。', standard: '市场门口无占道经营，车辆通行顺畅。', deadlineDays: 7 }, { do: 'progress', note: '已划定疏导区，正在协调摊主入场经营。' }] },
  { kind: 'question', title: '惠企政策申报截止时间', body: '今年的惠企补贴申报什么时候截止，需要准备哪些材料？', unitId: 'u08', contact: { email: 'company@example.com' }, daysAgo: 21, steps: [] },
  { kind: 'problem', title: '河道垃圾清理不及时', body: '柳河镇段河道漂浮垃圾较多，已经持续两周没有人清理。', unitId: 'u45', daysAgo: 30, steps: [{ do: 'note', body: '已电话联系镇里，答复本周内安排清理。' }] },

  // Being handled (处理中).
  { kind: 'problem', title: '学校门口上下学时段交通拥堵', body: '第一中学门口上下学时段家长车辆乱停，学生过马路很危险。', unitId: 'u55', daysAgo: 5, steps: [{ do: 'start' }, { do: 'plan', measures: '设置家长临时停车区，上下学时段安排护学岗。', standard: '校门口无乱停车辆，学生安全过街。', deadlineDays: 30 }] },
  { kind: 'suggestion', title: '建议开通线上预约挂号', body: '区中医院目前只能现场挂号，建议开通线上预约，减少排队。', unitId: 'u64', daysAgo: 4, steps: [{ do: 'start' }, { do: 'note', body: '医院信息科已在评估，需要与区卫健委平台对接。' }] },
  { kind: 'problem', title: '小区消防通道被占用', body: '东湖街道某小区消防通道长期停满车辆，物业劝阻无效。', unitId: 'u36', contact: { phone: '13800000003' }, daysAgo: 6, steps: [{ do: 'start' }] },
  { kind: 'question', title: '社保转移接续怎么办理', body: '从外省调入，养老保险关系转移需要本人到现场吗？', unitId: 'u15', daysAgo: 3, steps: [{ do: 'start' }] },

  // Answered, waiting for the person's rating.
  { kind: 'question', title: '党员学习积分如何查询', body: '学习积分在哪里能查到？年底考核是否与积分挂钩？', unitId: 'u04', daysAgo: 3, steps: [answer('可登录学习平台“我的积分”页面查询；年底考核参考积分，但不作为唯一依据。'), publish('学习积分在哪里查，和考核有什么关系', '党员学习积分在哪里查询？年底考核是否看积分？', '登录学习平台，在“我的积分”页面即可查询。年底考核会参考学习积分，但积分不作为唯一依据。')] },
  { kind: 'suggestion', title: '建议图书馆延长开放时间', body: '区图书馆晚上六点闭馆，建议延长到晚上九点，方便上班族。', unitId: 'u23', daysAgo: 4, steps: [{ do: 'start' }, answer('已纳入明年开放时间调整方案，自下月起周五、周六延长至晚上八点半。')] },
  { kind: 'problem', title: '路灯夜间不亮', body: '新桥街道文化路一段路灯连续一周不亮，夜间出行不便。', unitId: 'u39', daysAgo: 3, steps: [{ do: 'start' }, answer('经排查为线路老化，已于昨日更换，路灯恢复正常。'), publish('路灯不亮怎么报修', '街道路灯连续多日不亮，夜间出行不便，找谁修？', '路灯由街道会同市政部门维护。本次故障系线路老化，已更换修复。今后发现路灯故障，可拨打 12345 热线或通过本平台反映，一般三个工作日内修复。')] },

  // Closed: rated, or closed by the office after the answer.
  { kind: 'question', title: '学习动员会议材料在哪里下载', body: '动员会上提到的学习材料在哪里可以下载？', unitId: 'u01', daysAgo: 12, steps: [answer('材料已上传至内部门户“通知公告”栏目。'), { do: 'rate', satisfaction: 'satisfied' }, publish('学习动员会议材料在哪里下载', '动员会上讲到的学习材料从哪里下载？', '会议材料已上传至内部门户“通知公告”栏目，登录后即可下载。')] },
  { kind: 'problem', title: '政务服务网站无法上传附件', body: '在政务服务网站办理业务时上传附件一直失败。', unitId: 'u33', contact: { email: 'user@example.com' }, daysAgo: 15, steps: [{ do: 'start' }, answer('系统升级已修复上传问题，请再试一次。'), { do: 'rate', satisfaction: 'basically' }] },
  { kind: 'suggestion', title: '建议专题讲座提前发布通知', body: '讲座通知往往前一天才发布，工作安排不开，建议至少提前三天通知。', unitId: 'u02', daysAgo: 14, steps: [answer('已要求各承办单位至少提前三个工作日发布通知。'), { do: 'close' }, publish('专题讲座通知能否提前发布', '讲座通知发得太晚，工作安排不过来，能不能早点通知？', '办公室已要求各承办单位至少提前三个工作日发布讲座通知，并同步在学习平台公布全月安排。')] },
  { kind: 'problem', title: '菜市场电子秤计量不准', body: '在菜市场买菜多次发现电子秤短斤少两。', unitId: 'u28', daysAgo: 18, steps: [{ do: 'start' }, { do: 'plan', measures: '开展电子秤专项检定，设置公平秤。', standard: '在用电子秤全部检定合格，公平秤正常使用。', deadlineDays: 10 }, { do: 'progress', note: '已完成全部电子秤检定，不合格的已停用。', done: true }, { do: 'verify', outcome: 'verified', note: '经现场抽查，整改到位，同意销号。' }, answer('已开展专项检查，对三个不合格电子秤的摊位立案处理。'), { do: 'close' }, publish('菜市场电子秤缺斤少两怎么办', '在菜市场买菜发现电子秤不准，缺斤少两，向哪里反映？', '市场监管部门已开展专项检查，对计量不合格的摊位立案处理。市场内设有公平秤，发现问题可当场复秤，也可拨打 12315 举报。')] },
  { kind: 'feedback', title: '线上课程卡顿', body: '线上直播课多次卡顿，希望改进平台。', unitId: 'u61', rating: 2, daysAgo: 10, steps: [answer('已更换直播平台并增加带宽，后续课程会提前测试。'), { do: 'rate', satisfaction: 'satisfied' }] },

  // Reopened: the answer was not enough.
  { kind: 'problem', title: '小区供暖温度不达标', body: '滨江街道某小区室内温度只有十四度，多次反映无果。', unitId: 'u35', contact: { phone: '13800000004' }, daysAgo: 9, steps: [{ do: 'start' }, answer('已联系供热公司上门检测。'), { do: 'plan', measures: '督促供热公司排查管网，更换老化阀门。', standard: '室内温度不低于十八度。', deadlineDays: 14 }, { do: 'progress', note: '供热公司已更换阀门。', done: true }, { do: 'verify', outcome: 'returned', note: '回访时部分住户室温仍不足十八度，请继续整改。' }, { do: 'rate', satisfaction: 'unsatisfied', comment: '检测后温度仍然不达标，希望给出整改时间。' }] },
  { kind: 'question', title: '医保异地备案流程', body: '退休后到外地居住，医保异地备案需要哪些材料？', unitId: 'u30', daysAgo: 8, steps: [answer('可在医保公共服务平台线上办理备案。'), { do: 'follow-up', body: '线上办理时提示信息不全，具体需要上传什么？' }] },

  // Rejected and merged.
  { kind: 'suggestion', title: '建议取消全部会议', body: '会议太多了，建议全部取消。', daysAgo: 7, steps: [{ do: 'reject', reason: '意见过于笼统，无法转办；欢迎提出具体会议事项。' }] },
  { kind: 'problem', title: '测试提交', body: '测试测试', daysAgo: 6, steps: [{ do: 'reject', reason: '测试内容，不予受理。' }] },
  { kind: 'problem', title: '叫号机坏了没人修', body: '办事大厅的叫号机好几天都不能用了。', daysAgo: 2, steps: [{ do: 'merge', into: '办事大厅排队叫号系统经常故障' }] },
  { kind: 'problem', title: '滨江路工地晚上施工太吵', body: '晚上施工声音很大，孩子睡不着觉。', unitId: 'u48', daysAgo: 1.5, steps: [{ do: 'merge', into: '城投项目施工夜间噪音扰民' }] },

  // Good practices, two recommended for the exchange.
  { kind: 'practice', title: '“周末课堂”送学上门', body: '白沙镇组织党员志愿者每周末到村里开设学习课堂，老党员就近参学。', unitId: 'u42', daysAgo: 11, steps: [{ do: 'recommend' }] },
  { kind: 'practice', title: '“一校一品”学习品牌', body: '区实验中学结合学科特点打造学习品牌，师生共学，效果明显。', unitId: 'u56', daysAgo: 9, steps: [{ do: 'recommend' }] },
  { kind: 'practice', title: '“码上办”窗口服务', body: '政务服务中心推行扫码评价和扫码预约，群众满意度明显提升。', unitId: 'u33', daysAgo: 5, steps: [] },
];
