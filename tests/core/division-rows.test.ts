/** The national division index built once at build time and restored at start answers as the one built from the files. */
import { describe, expect, it } from 'vitest';
import { ChinaDivisionsSchema, DivisionIndex, type Unit } from '../../src/core/divisions.ts';
import { GazetteerSchema } from '../../src/core/gazetteer.ts';
import { readJsonFile } from '../../src/read-json.ts';

const built = new DivisionIndex(readJsonFile('data/china-divisions.json', ChinaDivisionsSchema), readJsonFile('data/chongqing-divisions.json', GazetteerSchema));
const restored = DivisionIndex.fromRows(JSON.parse(JSON.stringify(built.toRows())));
const chain = (u: Unit | null | undefined) => { const out: string[] = []; for (let p = u; p; p = p.parent) out.push(p.code); return out; };

describe('A division index restored from its rows', () => {
  it('has the same units, each under the same parents', () => {
    expect(restored.units).toHaveLength(built.units.length);
    built.units.forEach((u, i) => {
      const r = restored.units[i]!;
      expect({ ...r, parent: r.parent?.code ?? null }).toEqual({ ...u, parent: u.parent?.code ?? null });
      expect(chain(r)).toEqual(chain(u));
    });
  });

  it('finds the same units by name, short name and full name', () => {
    for (const name of ['鼓楼区', '成都市', '潼南区']) expect(restored.named(name).map((u) => u.division)).toEqual(built.named(name).map((u) => u.division));
    for (const short of ['江北', '成都', '湖北']) expect(restored.withShort(short).map((u) => u.code)).toEqual(built.withShort(short).map((u) => u.code));
    expect(restored.byFullName('四川省成都市')?.code).toBe(built.byFullName('四川省成都市')?.code);
    expect(restored.named('鼓楼区').length).toBeGreaterThan(1);
  });
});
