import { describe, expect, it } from 'vitest';
import { segmentArticle } from '../../src/ingest/segment.ts';

// Invented articles in the layouts real newspapers use; each must come out as the sections a reader sees.
const article = (...paragraphs: string[]) => segmentArticle(`${paragraphs.join('\n\n')}\n`);
const firsts = (a: ReturnType<typeof segmentArticle>) => a.sections.map((s) => s.paragraphs.find((p) => !s.subheadings.includes(p))?.slice(0, 8));

describe('Headed speakers', () => {
  const a = article(
    '代表之声',
    '如何让乡村更美？记者采访了几位代表。',
    '——编  者',
    '全国人大代表、江南省交通运输厅厅长林一川：',
    '让农村公路通到家门口',
    '农村公路是乡亲们的致富路。今年要新建一千公里。',
    '（本报记者  王  沛采访整理）',
    '全国人大代表、北川社会科学院民俗研究所研究员阿依莫曲布：守护好民间文化',
    '民间文化是乡村的根脉，要用心守护。',
  );

  it('opens a section for a heading alone on its line, taking the next line as its title', () => {
    expect(a.sections).toHaveLength(3);
    expect(a.sections[1]!.speaker).toEqual({ name: '林一川', role: '厅长', org: '江南省交通运输厅' });
    expect(a.sections[1]!.headline).toBe('让农村公路通到家门口');
    expect(a.sections[2]!.speaker?.name).toBe('阿依莫曲布');
  });

  it('reads a bracketed byline as the reporters, not as text or a person', () => {
    expect(a.reporters).toEqual(['王沛']);
    expect(a.sections.flatMap((s) => s.paragraphs).join('')).not.toContain('采访整理');
  });

  it('keeps the editor\'s note out of the running text', () => {
    expect(firsts(a)).toEqual(['如何让乡村更美？', '农村公路是乡亲们', '民间文化是乡村的']);
  });
});

describe('Speakers introduced in the paragraph they speak in', () => {
  const a = article(
    '强化监督护民生',
    '代表委员热议工作报告',
    '本报记者  倪  一',
    '从“办理一案”到“治理一片”',
    '林一川委员（东港政法学院院长）：检察机关要全面准确贯彻宽严相济刑事政策。',
    '马春花代表（江南省东港市白沙村党总支书记、村委会主任）：建议持续推动法治乡村建设。',
    '（本报记者王五、赵六参与采写）',
  );

  it('gives each speaker a section that starts with their words, not the prefix', () => {
    expect(a.subtitle).toBe('代表委员热议工作报告');
    expect(a.sections.map((s) => s.speaker?.name)).toEqual(['林一川', '马春花']);
    expect(a.sections[0]!.paragraphs).toEqual(['检察机关要全面准确贯彻宽严相济刑事政策。']);
    expect(a.sections[0]!.captions).toEqual(['从“办理一案”到“治理一片”']);
    expect(a.sections[1]!.speaker).toEqual({ name: '马春花', role: '党总支书记、村委会主任', org: '江南省东港市白沙村' });
  });
});

describe('Signed quotes and 连线 boxes', () => {
  const a = article(
    '“她”说',
    '当前普惠托育服务供给不足，建议加大投入。',
    '——林一川委员（江南省妇联党组书记、主席）',
    '建议健全教育资源配置机制，保障学位供给。',
    '——马春花代表（北川市青石中学副校长）',
  );

  it('makes each signed quote a section of its signer', () => {
    expect(a.sections.map((s) => [s.speaker?.name, s.paragraphs[0]!.slice(0, 6)])).toEqual([
      ['林一川', '当前普惠托育'],
      ['马春花', '建议健全教育'],
    ]);
    expect(a.sections[0]!.speaker?.role).toBe('党组书记、主席');
  });

  it('closes a 连线 box with its signature, leaving the report around it alone', () => {
    const b = article('经济回升向好', '报告提出，要实施更加积极的财政政策。', '连线', '今年预算内投资拟安排7350亿元。', '——杜一（东港投资研究所所长）');
    expect(b.sections.map((s) => [s.heading, s.speaker?.name ?? null, s.paragraphs[0]!.slice(0, 4)])).toEqual([
      [null, null, '报告提出'],
      ['连线', '杜一', '今年预算'],
    ]);
  });
});

describe('A dialogue with its guests listed first', () => {
  const a = article(
    '人工智能如何加速跑（议政）',
    '近日，人工智能大模型受到广泛关注。',
    '对话嘉宾：',
    '林一川  全国政协委员、民进江南省委会副主委、北川大学计算机学院教授',
    '马春花  全国政协委员、东港科学院自动化研究所研究员',
    '林一川：当前，相关技术和产业蓬勃发展。',
    '马春花：人才是创新的第一资源。',
    '林一川：建议探索多场景应用。',
  );

  it('opens a section per turn, each with the guest\'s post', () => {
    expect(a.sections.map((s) => s.speaker?.name ?? null)).toEqual([null, '林一川', '马春花', '林一川']);
    expect(a.sections[1]!.speaker).toEqual({ name: '林一川', role: '教授', org: '北川大学计算机学院' });
    expect(a.sections[1]!.paragraphs[0]).toBe('当前，相关技术和产业蓬勃发展。');
  });
});

describe('A composite page of reports, each with its own headline and byline', () => {
  const a = article(
    '访两家高新区',
    '图为某企业生产线。',
    '王  辰摄（人民视觉）',
    '高新区优势突出，本报记者探访两家园区。',
    '东港高新区——',
    '因地制宜，培育新兴产业',
    '本报记者  靳  一',
    '记者：怎样助力新兴产业做大做强？',
    '东港高新区党委书记、管委会主任夏一林：我们重点发展新能源产业。',
    '北川高新区——',
    '强链延链，壮大产业集群',
    '本报记者  刘二',
    '记者：怎样更好地强链补链？',
    '北川高新区管委会副主任张三贵：民用航空产业是我们的主导产业。',
  );

  it('opens a report at each headline over a byline, its speaker the one who answers the reporter', () => {
    expect(a.sections.map((s) => [s.heading, s.speaker?.name ?? null])).toEqual([
      [null, null],
      ['东港高新区——因地制宜，培育新兴产业', '夏一林'],
      ['北川高新区——强链延链，壮大产业集群', '张三贵'],
    ]);
    expect(a.sections[1]!.paragraphs[0]).toBe('记者：怎样助力新兴产业做大做强？');
  });

  it('keeps photo captions and credits apart from the running text', () => {
    expect(a.sections[0]!.paragraphs).toEqual(['高新区优势突出，本报记者探访两家园区。']);
    expect(a.sections[0]!.captions).toEqual(['图为某企业生产线。', '王  辰摄（人民视觉）']);
  });

  it('opens a report after each closing byline when the page has several', () => {
    const b = article(
      '代表委员的“上心事”',
      '今年全国两会，代表委员话担当。',
      '——编  者',
      '“一增一减”倡亲清',
      '3月9日，东港代表团驻地。林一川说，营商环境优无止境。',
      '（本报记者王五）',
      '“一老一小”看保障',
      '3月8日，北川代表团驻地。马春花说，让老人安享晚年。',
      '（本报记者赵六）',
    );
    expect(b.sections.map((s) => s.heading)).toEqual([null, '“一增一减”倡亲清', '“一老一小”看保障']);
  });
});

describe('A piece that is one person speaking', () => {
  it('gives the lead the person a kicker names', () => {
    const a = article('地里“土疙瘩”变“金疙瘩”（现场·代表通道）', '林一川代表谈农货销路——', '本报记者  刘二', '好山好水，出好农货，咋卖上好价？', '“打开销路是关键。”东港白沙村党总支书记林一川代表说。');
    expect(a.sections).toHaveLength(1);
    expect(a.sections[0]!.speaker?.name).toBe('林一川');
    expect(a.sections[0]!.paragraphs[0]).toBe('好山好水，出好农货，咋卖上好价？');
  });

  it('gives the lead the author named under the title, with the posts of the closing note', () => {
    const a = article('推进文化遗产保护（建言）', '林一川', '文化兴国运兴，文化强民族强。', '（作者为全国政协委员、江南省高级人民法院副院长）');
    expect(a.sections[0]!.speaker).toEqual({ name: '林一川', role: '副院长', org: '江南省高级人民法院' });
  });

  it('does not read a sentence that quotes someone as a speaker\'s heading', () => {
    const a = article('新兴产业加速', '全省积极培育新兴产业。', '江南省委书记王一鸣表示：“我们将瞄准世界科技前沿。”');
    expect(a.sections).toHaveLength(1);
  });

  it('keeps an 原标题 line and a subtitle over the byline out of the first paragraph', () => {
    const a = article('快递站上新高度', '业务量突破1700亿件，同比增长21%', '本报记者  韩  一', '原标题：快递业成绩单出炉', '超1700亿件！1月8日，成绩单出炉。');
    expect(a.subtitle).toBe('业务量突破1700亿件，同比增长21%');
    expect(a.sections[0]!.paragraphs).toEqual(['超1700亿件！1月8日，成绩单出炉。']);
  });
});

describe('An interview whose guest is introduced in the text', () => {
  it('reads `某某：` as the guest\'s turn when the article gives them a title; a question stays in the section before', () => {
    const a = article(
      '数字经济怎么看',
      '本期嘉宾是北川大学经济学院教授林一川。',
      '记者：数字经济发展有哪些新特点？',
      '林一川：数据成为新的生产要素，平台经济加快发展。',
      '记者：下一步怎么做？',
      '林一川：要加快建设全国统一的数据市场。',
    );
    expect(a.sections.map((s) => s.speaker?.name ?? null)).toEqual([null, '林一川', '林一川']);
    expect(a.sections.map((s) => s.paragraphs.map((p) => p.slice(0, 6)))).toEqual([
      ['本期嘉宾是北', '记者：数字经'],
      ['数据成为新的', '记者：下一步'],
      ['要加快建设全'],
    ]);
    expect(a.sections[1]!.speaker).toEqual({ name: '林一川', role: '教授', org: '北川大学经济学院' });
  });
});

describe('A district news site\'s page', () => {
  it('keeps the source and editor lines out of the running text', () => {
    const a = article('白沙镇新建学校开学', '来源：东港区融媒体中心', '9月1日，白沙镇新建的学校迎来首批学生。', '编辑：王五', '审核：赵六');
    expect(a.sections).toHaveLength(1);
    expect(a.sections[0]!.paragraphs).toEqual(['9月1日，白沙镇新建的学校迎来首批学生。']);
    expect(a.sections[0]!.captions).toEqual(['来源：东港区融媒体中心', '编辑：王五', '审核：赵六']);
  });
});
