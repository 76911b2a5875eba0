import { parseReport, type Report } from '../../src/core/report.ts';

/** A small invented report: five sections across three districts and three topics. */
export function fixtureReport(): Report {
  const topics = [
    { id: 'employment', name: '就业', synonyms: ['就业', '岗位'] },
    { id: 'ecology', name: '生态环境', synonyms: ['生态', '水质'] },
    { id: 'transport', name: '交通', synonyms: ['交通', '高铁'] },
  ];
  const person = (name: string, role: string, org: string) => ({ name, role, org });
  return parseReport({
    title: '测试报道',
    subtitle: null,
    reporters: ['记者甲'],
    articles: [{ id: 'a1', source: 'test.txt', date: null, title: '测试报道', subtitle: null, reporters: ['记者甲'] }],
    topics,
    sections: [
      {
        id: 'a1-s00-lead', articleId: 'a1', kind: 'lead', heading: null, headline: null, speaker: null,
        districts: ['重庆市'], places: [], topics: ['transport'],
        paragraphs: ['连日来，会议精神引发热烈反响。大家表示要认真学习。'],
        figures: [],
      },
      {
        id: 'a1-s01-wang', articleId: 'a1', kind: 'speaker', heading: '潼南区人社局局长王一：稳岗就业', headline: '稳岗就业',
        speaker: person('王一', '局长', '潼南区人社局'), districts: ['潼南区'], places: [], topics: ['employment'],
        paragraphs: [
          '今年以来，潼南新增就业岗位1.2万个，同比增长15%。',
          '“我们将继续做好就业服务。”王一说。好。',
          '下一步，全区将举办招聘会30场，帮助农民工返乡创业。',
        ],
        figures: [
          { text: '1.2万个', value: 12000, unit: '个', qualifier: 'exact', context: '今年以来，潼南新增就业岗位1.2万个，同比增长15%。' },
          { text: '15%', value: 0.15, unit: '%', qualifier: 'exact', context: '今年以来，潼南新增就业岗位1.2万个，同比增长15%。' },
          { text: '30场', value: 30, unit: '场', qualifier: 'exact', context: '下一步，全区将举办招聘会30场，帮助农民工返乡创业。' },
        ],
      },
      {
        id: 'a1-s02-li', articleId: 'a1', kind: 'speaker', heading: '巫溪县生态环境局李二：守护碧水', headline: '守护碧水',
        speaker: person('李二', '局长', '巫溪县生态环境局'), districts: ['巫溪县'], places: [], topics: ['ecology'],
        paragraphs: ['巫溪县河流水质达标率保持100%。', '我们要把生态优势转化为发展优势。'],
        figures: [{ text: '100%', value: 1, unit: '%', qualifier: 'exact', context: '巫溪县河流水质达标率保持100%。' }],
      },
      {
        id: 'a1-s03-zhang', articleId: 'a1', kind: 'speaker', heading: '潼南区交通局张三：高铁通车', headline: '高铁通车',
        speaker: person('张三', '局长', '潼南区交通局'), districts: ['潼南区'], places: [], topics: ['transport', 'employment'],
        paragraphs: ['高铁开通后，潼南到主城只要40分钟。', '交通改善也带来了就业机会。'],
        figures: [{ text: '40分钟', value: 40, unit: '分钟', qualifier: 'exact', context: '高铁开通后，潼南到主城只要40分钟。' }],
      },
      {
        id: 'a1-s04-cont', articleId: 'a1', kind: 'continuation', heading: null, headline: null, speaker: null,
        districts: ['巫溪县'], places: [], topics: ['ecology'],
        paragraphs: ['生态修复工作持续推进。'],
        figures: [],
      },
    ],
  });
}
