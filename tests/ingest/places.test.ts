import { describe, expect, it } from 'vitest';
import { PlaceFinder } from '../../src/ingest/places.ts';
import { readReferenceData } from '../../src/ingest/files.ts';

const refs = readReferenceData('data');
const finder = new PlaceFinder(refs.gazetteer, refs.aliases, refs.wordLikeShortNames);
const districts = (text: string) => [...new Set(finder.find(text).map((p) => p.district))];

describe('Finding Chongqing places in text', () => {
  it.each([
    ['夏日雨后，永川境内的大陆溪河水流清澈', ['永川区']],
    ['来自巫溪、垫江结对帮扶小学', ['巫溪县', '垫江县']],
    ['街道将联合城口、巫山等地开展文旅交流', ['城口县', '巫山县']],
    ['5月31日，开州区满月镇甘泉村', ['开州区']],
    ['一辆货车缓缓驶入西永综合保税区卡口', ['沙坪坝区']],
    ['在长寿区的湖边，健康长寿是大家的心愿', ['长寿区']],
    ['武隆区仙女山街道', ['武隆区']],
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
});
