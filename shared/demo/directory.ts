/**
 * A demo directory: a fictional district (青澜区) with 68 member units under five supervision
 * groups, used by the local stack, the seed and the tests. The district and its units are
 * invented, modelled on a typical district's list of member units.
 */
import type { Directory, Unit } from '../schemas/directory';

/** Each unit has a liaison (整改联络员) mailbox: told of its rectifications (API.md v2). */
const u = (id: string, name: string, system: string, groupId: string): Unit => ({ id, name, system, groupId, liaisonEmails: [`liaison-${id}@yijian.example`] });

const GOV = '党政机关';
const SUBDISTRICT = '街道';
const TOWN = '镇';
const SOE = '国有企业';
const EDU = '教育系统';
const HEALTH = '卫生系统';

export const demoDirectory: Directory = {
  campaign: {
    id: '2027-campaign',
    name: '青澜区2027年主题教育',
    timezone: 'Asia/Shanghai',
    phases: [
      { id: 'study', name: '学习动员', startsOn: '2026-11-16' },
      { id: 'review', name: '分析评议', startsOn: '2027-03-01' },
      { id: 'rectify', name: '整改提高', startsOn: '2027-06-01' },
    ],
  },
  officeEmails: ['office@yijian.example'],
  groups: [
    { id: 'g1', name: '第一督导组', notifyEmails: ['group1@yijian.example'] },
    { id: 'g2', name: '第二督导组', notifyEmails: ['group2@yijian.example'] },
    { id: 'g3', name: '第三督导组', notifyEmails: ['group3@yijian.example'] },
    { id: 'g4', name: '第四督导组', notifyEmails: ['group4@yijian.example'] },
    { id: 'g5', name: '第五督导组', notifyEmails: ['group5@yijian.example'] },
  ],
  units: [
    // 第一督导组 (14): party and government offices, law and order
    u('u01', '区委办公室', GOV, 'g1'),
    u('u02', '区政府办公室', GOV, 'g1'),
    u('u03', '区纪委监委机关', GOV, 'g1'),
    u('u04', '区委组织部', GOV, 'g1'),
    u('u05', '区委宣传部', GOV, 'g1'),
    u('u06', '区委统战部', GOV, 'g1'),
    u('u07', '区委政法委', GOV, 'g1'),
    u('u11', '区公安分局', GOV, 'g1'),
    u('u13', '区司法局', GOV, 'g1'),
    u('u25', '区退役军人事务局', GOV, 'g1'),
    u('u27', '区审计局', GOV, 'g1'),
    u('u29', '区统计局', GOV, 'g1'),
    u('u32', '区信访局', GOV, 'g1'),
    u('u33', '区政务服务和数据管理局', GOV, 'g1'),
    // 第二督导组 (14): economy, construction, resources
    u('u08', '区发改局', GOV, 'g2'),
    u('u10', '区科技和工信局', GOV, 'g2'),
    u('u14', '区财政局', GOV, 'g2'),
    u('u15', '区人社局', GOV, 'g2'),
    u('u16', '市自然资源和规划局青澜分局', GOV, 'g2'),
    u('u17', '市生态环境局青澜分局', GOV, 'g2'),
    u('u18', '区住建局', GOV, 'g2'),
    u('u19', '区交通运输局', GOV, 'g2'),
    u('u20', '区水利局', GOV, 'g2'),
    u('u21', '区农业农村局', GOV, 'g2'),
    u('u22', '区商务局', GOV, 'g2'),
    u('u26', '区应急管理局', GOV, 'g2'),
    u('u28', '区市场监管局', GOV, 'g2'),
    u('u31', '区城市管理局', GOV, 'g2'),
    // 第三督导组 (14): education, social affairs, health administration
    u('u09', '区教育局', GOV, 'g3'),
    u('u12', '区民政局', GOV, 'g3'),
    u('u23', '区文化和旅游局', GOV, 'g3'),
    u('u24', '区卫健委', GOV, 'g3'),
    u('u30', '区医保局', GOV, 'g3'),
    u('u55', '区第一中学', EDU, 'g3'),
    u('u56', '区实验中学', EDU, 'g3'),
    u('u57', '区实验小学', EDU, 'g3'),
    u('u58', '区职业技术学校', EDU, 'g3'),
    u('u59', '区第一幼儿园', EDU, 'g3'),
    u('u60', '区特殊教育学校', EDU, 'g3'),
    u('u61', '区教师发展中心', EDU, 'g3'),
    u('u62', '区第三中学', EDU, 'g3'),
    u('u63', '区人民医院', HEALTH, 'g3'),
    // 第四督导组 (13): sub-districts and the other hospitals
    u('u34', '河西街道', SUBDISTRICT, 'g4'),
    u('u35', '滨江街道', SUBDISTRICT, 'g4'),
    u('u36', '东湖街道', SUBDISTRICT, 'g4'),
    u('u37', '文昌街道', SUBDISTRICT, 'g4'),
    u('u38', '朝阳街道', SUBDISTRICT, 'g4'),
    u('u39', '新桥街道', SUBDISTRICT, 'g4'),
    u('u40', '望江街道', SUBDISTRICT, 'g4'),
    u('u41', '南苑街道', SUBDISTRICT, 'g4'),
    u('u64', '区中医院', HEALTH, 'g4'),
    u('u65', '区妇幼保健院', HEALTH, 'g4'),
    u('u66', '区疾病预防控制中心', HEALTH, 'g4'),
    u('u67', '区第二人民医院', HEALTH, 'g4'),
    u('u68', '区精神卫生中心', HEALTH, 'g4'),
    // 第五督导组 (13): towns and state-owned companies
    u('u42', '白沙镇', TOWN, 'g5'),
    u('u43', '石桥镇', TOWN, 'g5'),
    u('u44', '龙泉镇', TOWN, 'g5'),
    u('u45', '柳河镇', TOWN, 'g5'),
    u('u46', '青山镇', TOWN, 'g5'),
    u('u47', '杨柳镇', TOWN, 'g5'),
    u('u48', '区城投集团', SOE, 'g5'),
    u('u49', '区国有资本运营公司', SOE, 'g5'),
    u('u50', '区水务集团', SOE, 'g5'),
    u('u51', '区交投集团', SOE, 'g5'),
    u('u52', '区文旅集团', SOE, 'g5'),
    u('u53', '区农发集团', SOE, 'g5'),
    u('u54', '区产业园区发展集团', SOE, 'g5'),
  ],
  sla: { feedback: 5, question: 5, suggestion: 10, problem: 15, practice: 10 },
  // 2026: the State Council's notice (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号,
  // 4 November 2025, as Xinhua published it). Every rest day of a break is listed, weekend days
  // included; `workdays` holds the Saturdays and Sundays worked instead (调休上班).
  holidays: [
    // 元旦 New Year: Thu 1 – Sat 3 January
    '2026-01-01', '2026-01-02', '2026-01-03',
    // 春节 Spring Festival: Sun 15 (腊月二十八) – Mon 23 February (正月初七), 9 days
    '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
    '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    // 清明节 Qingming: Sat 4 – Mon 6 April
    '2026-04-04', '2026-04-05', '2026-04-06',
    // 劳动节 Labour Day: Fri 1 – Tue 5 May
    '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
    // 端午节 Dragon Boat Festival: Fri 19 – Sun 21 June
    '2026-06-19', '2026-06-20', '2026-06-21',
    // 中秋节 Mid-Autumn Festival: Fri 25 – Sun 27 September
    '2026-09-25', '2026-09-26', '2026-09-27',
    // 国庆节 National Day: Thu 1 – Wed 7 October
    '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
    // 2027, in the pattern of the State Council's notices under the 2025 rules: the 2027 notice
    // was not at hand when this was written. Check these against it and add its make-up working
    // days to `workdays` (until then the weekends around these breaks count as rest days).
    // 元旦 New Year: Fri 1 – Sun 3 January
    '2027-01-01', '2027-01-02', '2027-01-03',
    // 春节 Spring Festival (除夕 Fri 5 February, 初一 Sat 6 February): 5 – 12 February
    '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08',
    '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12',
    // 清明节 Qingming (Mon 5 April): 3 – 5 April
    '2027-04-03', '2027-04-04', '2027-04-05',
    // 劳动节 Labour Day: 1 – 5 May
    '2027-05-01', '2027-05-02', '2027-05-03', '2027-05-04', '2027-05-05',
    // 端午节 Dragon Boat Festival: Wed 9 June
    '2027-06-09',
    // 中秋节 Mid-Autumn Festival: Wed 15 September
    '2027-09-15',
    // 国庆节 National Day: 1 – 7 October
    '2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07',
    // 2028 元旦 (Sat 1 January, observed through Mon 3): items due at the turn of the year
    '2028-01-01', '2028-01-02', '2028-01-03',
  ],
  // 2026's make-up working days, from the same notice: Sun 4 January (元旦), Sat 14 and Sat 28
  // February (春节), Sat 9 May (劳动节), Sun 20 September and Sat 10 October (国庆节).
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  escalation: { remindBeforeWorkingDays: 1, urgeAfterWorkingDays: 3, leaderEmails: ['leader@yijian.example'] },
  rules: [
    // 区城投集团 builds what 区住建局 oversees: the group covering 住建 follows it up.
    { when: { unitId: 'u48', kind: 'problem' }, groupId: 'g2' },
    // Problems in hospitals go to the group that covers 区卫健委, whichever group covers the hospital.
    { when: { kind: 'problem', system: HEALTH }, groupId: 'g3' },
    // Problems in state-owned companies stay with 第五督导组 even if a company is reassigned.
    { when: { kind: 'problem', system: SOE }, groupId: 'g5' },
    // Good practices in schools are collected by 第三督导组 for the education-system exchange.
    { when: { kind: 'practice', system: EDU }, groupId: 'g3' },
  ],
};
