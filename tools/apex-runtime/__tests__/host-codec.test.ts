/**
 * The local org's store (src/host/codec.ts): what is written to the state file comes back as the
 * same runtime values, so a restart sees the rows and queued jobs it had.
 */
import { NotStorable, pack, unpack } from '../src/host/codec';
import type { ClassRt } from '../src/interp';
import { SObj } from '../src/sobject';
import {
  ABlob,
  ADate,
  ADatetime,
  ADecimal,
  ADouble,
  AEnum,
  AList,
  AMap,
  AObj,
  ASet,
  ATime
} from '../src/values';

const T = { key: 'string', name: 'String', args: [] };

test('every kind of field value survives a round trip with its type', () => {
  const row = new Map<string, unknown>([
    ['amount', new ADecimal(12345n, 2)],
    ['ratio', new ADouble(0.5)],
    ['when', new ADatetime(Date.UTC(2026, 0, 5, 8, 0, 0))],
    ['day', new ADate(20000)],
    ['at', new ATime(3_600_000)],
    ['body', new ABlob(Buffer.from('héllo', 'utf8'))],
    ['count', 42],
    ['big', 9007199254740993n],
    ['flag', false],
    ['none', null],
    ['name', 'WO-10001']
  ]);
  const back = unpack(pack(row)) as Map<string, unknown>;
  expect(back.get('amount')).toBeInstanceOf(ADecimal);
  expect((back.get('amount') as ADecimal).toString()).toBe('123.45');
  expect((back.get('ratio') as ADouble).v).toBe(0.5);
  expect((back.get('when') as ADatetime).ms).toBe(Date.UTC(2026, 0, 5, 8, 0, 0));
  expect((back.get('day') as ADate).days).toBe(20000);
  expect((back.get('at') as ATime).ms).toBe(3_600_000);
  expect((back.get('body') as ABlob).b.toString('utf8')).toBe('héllo');
  expect(back.get('count')).toBe(42);
  expect(back.get('big')).toBe(9007199254740993n);
  expect(back.get('flag')).toBe(false);
  expect(back.get('none')).toBeNull();
  expect(back.get('name')).toBe('WO-10001');
});

test('an Apex object keeps its class, collections, records and shared references', () => {
  const cls = {
    key: 'rinkelcdrfetchjob',
    name: 'RinkelCdrFetchJob',
    fields: new Map()
  } as unknown as ClassRt;
  const job = new AObj(cls);
  const ids = new AList(T, ['a005g000000001MAAQ']);
  job.f.set('eventids', ids);
  job.f.set('again', ids);
  const set = new ASet(T);
  set.m.set('x', 'x');
  job.f.set('seen', set);
  const map = new AMap(T, T);
  map.m.set('k', ['K', 'v']);
  job.f.set('byKey', map);
  const rec = new SObj('Task');
  rec.put('subject', 'Subject', 'Gesprek');
  job.f.set('task', rec);
  job.f.set('mode', new AEnum('System.AccessLevel', 'system.accesslevel', 'USER_MODE', 1));
  const back = unpack(pack(job), (k) => (k === cls.key ? cls : undefined)) as AObj;
  expect(back).toBeInstanceOf(AObj);
  expect(back.cls).toBe(cls);
  expect((back.f.get('eventids') as AList).a).toEqual(['a005g000000001MAAQ']);
  expect(back.f.get('again')).toBe(back.f.get('eventids'));
  expect([...(back.f.get('seen') as ASet).m.keys()]).toEqual(['x']);
  expect([...(back.f.get('byKey') as AMap).m.values()]).toEqual([['K', 'v']]);
  expect((back.f.get('task') as SObj).f.get('subject')).toBe('Gesprek');
  expect((back.f.get('task') as SObj).names.get('subject')).toBe('Subject');
  expect((back.f.get('mode') as AEnum).name).toBe('USER_MODE');
});

test('a class that left the project, or a value the store cannot keep, is refused by name', () => {
  const cls = { key: 'gone', name: 'Gone', fields: new Map() } as unknown as ClassRt;
  const b = pack(new AObj(cls));
  expect(() => unpack(b, () => undefined)).toThrow(
    new NotStorable('the class gone is no longer in the project')
  );
  expect(() => pack({ f: () => 1 })).toThrow(NotStorable);
});
