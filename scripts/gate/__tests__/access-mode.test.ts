import { accessModeFindings } from '../access-mode';

const run = (source: string) =>
  accessModeFindings('classes/Thing.cls', source).map(
    (f) => `${f.line}: ${f.message.split(':')[0]}`
  );

describe('access-mode check', () => {
  it('names each query, DML and publish without an access mode, with its line', () => {
    const source = [
      'public with sharing class Thing {',
      '  void run(List<Account> rows) {',
      '    List<Account> a = [SELECT Id FROM Account];',
      '    insert rows;',
      '    Database.update(rows, false);',
      "    Database.query('SELECT Id FROM Account');",
      '    EventBus.publish(rows);',
      '    if (rows.isEmpty()) delete rows;',
      '  }',
      '}'
    ].join('\n');

    expect(run(source)).toEqual([
      '3: SOQL without an access mode',
      '4: insert without an access mode',
      '5: Database.update without an access mode',
      '6: Database.query without an access mode',
      '7: EventBus.publish without an access mode',
      '8: delete without an access mode'
    ]);
  });

  it('accepts every operation that states its mode', () => {
    const source = [
      'public without sharing class Thing {',
      '  void run(List<Account> rows, String soql) {',
      '    List<Account> a = [SELECT Id FROM Account WITH SYSTEM_MODE];',
      '    List<Account> b = [SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) WITH USER_MODE];',
      '    insert as user rows;',
      '    update as system rows;',
      '    Database.update(rows, false, AccessLevel.SYSTEM_MODE);',
      '    Database.queryWithBinds(soql, new Map<String, Object>(), AccessLevel.USER_MODE);',
      '    Database.getQueryLocator([SELECT Id FROM Account WITH SYSTEM_MODE]);',
      '    EventBus.publishWithAccessLevel(rows, AccessLevel.USER_MODE);',
      '    Database.emptyRecycleBin(rows);',
      '  }',
      '}'
    ].join('\n');

    expect(run(source)).toEqual([]);
  });

  it('ignores comments, strings and test classes', () => {
    const commented = [
      'public with sharing class Thing {',
      '  // insert rows; [SELECT Id FROM Account]',
      "  String s = 'update rows; EventBus.publish(x)';",
      '}'
    ].join('\n');
    const test =
      '@IsTest\nprivate class ThingTest {\n  static void t() { insert new Account(); }\n}';

    expect(run(commented)).toEqual([]);
    expect(run(test)).toEqual([]);
  });
});
