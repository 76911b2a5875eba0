import { describe, expect, it } from 'vitest';
import { PlaceFinder } from '../../src/ingest/places.ts';
import { readReferenceData } from '../../src/ingest/files.ts';
import { fixtureReport } from './helpers.ts';

const refs = readReferenceData('data');
const finder = new PlaceFinder(refs);
const districts = (text: string) => [...new Set(finder.find(text).flatMap((p) => (p.district ? [p.district] : [])))];
const divisions = (text: string) => finder.find(text).map((p) => p.division);
/** The places of a one-section article and the warnings ingest prints for it. */
const withWarnings = (text: string) => {
  const warnings: string[] = [];
  const places = finder.findInArticle([text], (w) => warnings.push(w))[0]!;
  return { divisions: places.map((p) => p.division), warnings };
};

describe('Finding Chongqing places in text', () => {
  it.each([
    ['夏日雨后，永川境内的大陆溪河水流清澈', ['永川区']],
    ['来自巫溪、垫江结对帮扶小学', ['巫溪县', '垫江县']],
    ['街道将联合城口、巫山等地开展文旅交流', ['城口县', '巫山县']],
    ['5月31日，开州区满月镇甘泉村', ['开州区']],
    ['一辆货车缓缓驶入西永综合保税区卡口', ['沙坪坝区']],
    ['在长寿区的湖边，健康长寿是大家的心愿', ['长寿区']],
    ['武隆区仙女山街道', ['武隆区']],
    ['山区河流众多，如城口仁河流域的治理', ['城口县']],
  ])('finds the districts in "%s"', (text, expected) => {
    expect(districts(text)).toEqual(expected);
  });

  it.each([
    ['全力打造成渝中部产城景融合发展桥头堡城市'],
    ['助力全市打通各个环节难点、堵点'],
    ['解放小学、曾家岩小学、大田湾小学'],
    ['欢笑声在青山绿树间荡漾，党的二十大胜利召开'],
    ['站在长江南岸，眺望对岸'],
    ['祝老人们健康长寿，幸福安康'],
    ['一场巫山云雨过后'],
    ['石柱上刻着字'],
    ['喜悦来自辛勤的劳动'],
  ])('reads no district into "%s"', (text) => {
    expect(districts(text)).toEqual([]);
  });

  it('takes an ambiguous township name only next to its district', () => {
    // 白沙镇 is in both 江津区 and 南川区.
    expect(districts('江津区白沙镇的码头')).toEqual(['江津区']);
    expect(districts('白沙镇的码头')).toEqual([]);
  });

  it('gives each place its official division and NBS code', () => {
    expect(finder.find('开州区满月镇甘泉村')).toEqual([
      { name: '开州区', division: '重庆市开州区', code: '500154', district: '开州区' },
      { name: '满月镇', division: '重庆市开州区满月镇', code: '500154126', district: '开州区' },
    ]);
  });

  it('maps landmarks spanning several districts to the city as a whole', () => {
    expect(finder.find('两江新区的企业')).toEqual([{ name: '两江新区', division: '重庆市', code: '50', district: '重庆市' }]);
  });
});

describe('Word-like Chongqing county names (长寿, 石柱) decided by context', () => {
  it('takes 长寿 for the district when a project follows it, and says so when nothing else backs it', () => {
    const { divisions, warnings } = withWarnings('去年，长寿新建的锂电池项目投产');
    expect(divisions).toEqual(['重庆市长寿区']);
    expect(warnings).toEqual([expect.stringMatching(/^took 长寿 for 重庆市长寿区/)]);
  });

  it('takes 石柱 for the county in a list of districts, without a warning', () => {
    expect(withWarnings('来自石柱、彭水的茶农')).toEqual({ divisions: ['重庆市石柱土家族自治县', '重庆市彭水苗族土家族自治县'], warnings: [] });
  });

  it('leaves the everyday word alone, and says so when the article is about Chongqing', () => {
    expect(withWarnings('石柱上刻着字').divisions).toEqual([]);
    const { divisions, warnings } = withWarnings('潼南区的老人说：长寿，靠的是好心情');
    expect(divisions).toEqual(['重庆市潼南区']);
    expect(warnings).toEqual([expect.stringMatching(/^left 长寿 out as an everyday word, though it could be 重庆市长寿区/)]);
  });
});

describe('Finding places outside Chongqing', () => {
  it('reads provinces and prefecture-level cities by full or short name', () => {
    expect(divisions('他来自湖北，在成都工作，常回宁夏，也去过湖南省')).toEqual(['湖北省', '四川省成都市', '宁夏回族自治区', '湖南省']);
  });

  it('reads a county named in full, and its short name only with evidence', () => {
    expect(divisions('德清县的竹林')).toEqual(['浙江省湖州市德清县']);
    expect(divisions('调研组先后到访安吉、德清、长兴等地')).toEqual(['浙江省湖州市安吉县', '浙江省湖州市德清县', '浙江省湖州市长兴县']);
    expect(divisions('他说长兴很美')).toEqual([]);
  });

  it('resolves each link of a chain under the one before, naming the county and its township', () => {
    expect(divisions('浙江省丽水市松阳县古市镇的茶园')).toEqual(['浙江省丽水市松阳县', '浙江省丽水市松阳县古市镇']);
    expect(divisions('绵阳游仙区的一家工厂')).toEqual(['四川省绵阳市游仙区']);
  });

  it('decides an ambiguous short name by its parent, or leaves it out with a warning', () => {
    expect(divisions('南京鼓楼的一家书店')).toEqual(['江苏省南京市鼓楼区']);
    expect(divisions('福州鼓楼的一家书店')).toEqual(['福建省福州市鼓楼区']);
    const { divisions: bare, warnings } = withWarnings('鼓楼区的一家书店');
    expect(bare).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^left 鼓楼区 out: it could be 江苏省南京市鼓楼区、江苏省徐州市鼓楼区/)]);
  });

  it('reads a name Chongqing shares as Chongqing, unless the text says otherwise', () => {
    const { divisions: cq, warnings } = withWarnings('江北区的一座老码头');
    expect(cq).toEqual(['重庆市江北区']);
    expect(warnings).toEqual([expect.stringMatching(/^江北区 could be 浙江省宁波市江北区; read as 重庆市江北区/)]);
    expect(finder.find('宁波江北的一座老码头')).toEqual([{ name: '江北', division: '浙江省宁波市江北区', code: '330205' }]);
  });

  it('gives zones and ports the division of the place they are named after', () => {
    expect(finder.find('成都高新区的企业')).toEqual([{ name: '成都高新区', division: '四川省成都市', code: '5101' }]);
    expect(divisions('深圳盐田港的货轮')).toEqual(['广东省深圳市盐田区']);
  });

  it('reads no place into everyday words that are place names too', () => {
    for (const text of ['建议健全教育资源配置机制', '带来真金白银的实惠', '来自天南海北的游客', '各县城乡建设', '吴忠同志发言']) expect(divisions(text)).toEqual([]);
  });

  it('reads a quoted vessel or train name as a name, and the same quoted place as a place', () => {
    expect(divisions('集装箱装载到“新扬州”轮上')).toEqual([]);
    expect(divisions('乘坐“成都”号列车')).toEqual([]);
    expect(divisions('“扬州”这座城市')).toEqual(['江苏省扬州市']);
  });
});

describe('A section and its districts', () => {
  it('gets no district when its text names no place, not the whole city', () => {
    const report = fixtureReport();
    const silent = report.sections.filter((s) => s.kind === 'continuation');
    expect(silent.length).toBeGreaterThan(0);
    for (const s of silent) {
      expect(s.places).toEqual([]);
      expect(s.districts).toEqual([]);
    }
  });

  it('keeps districts to Chongqing: a place elsewhere has a division but no district', () => {
    expect(finder.find('成都')).toEqual([{ name: '成都', division: '四川省成都市', code: '5101' }]);
  });
});
