/** Which database the app uses, from its containers' environments: names only, never a password. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appContainerClaims, compareAppDatabase, databaseContainerClaims, databaseOfUrl } from '../../src/domain/app-database.js';

describe('databaseOfUrl', () => {
  test('the database and user of a postgres URL, never its password', () => {
    const parsed = databaseOfUrl('postgresql://shop:s3cret-pw@db:5432/shop?schema=public');
    assert.deepEqual(parsed, { database: 'shop', user: 'shop' });
    assert.doesNotMatch(JSON.stringify(parsed), /s3cret/);
    assert.deepEqual(databaseOfUrl('postgres://app%40corp@db/my%20db'), { database: 'my db', user: 'app@corp' });
    assert.deepEqual(databaseOfUrl('postgres://alice@db'), { database: 'alice', user: 'alice' }, 'libpq: the database defaults to the user');
    assert.equal(databaseOfUrl('mysql://root@db/shop'), null);
    assert.equal(databaseOfUrl('not a url'), null);
  });
});

describe('compareAppDatabase', () => {
  const web = appContainerClaims('web', ['PATH=/bin', 'DATABASE_URL=postgres://shop:pw@db:5432/shop', 'CRON_SECRET=x']);
  const db = databaseContainerClaims('db', ['POSTGRES_DB=shop', 'POSTGRES_USER=shop', 'POSTGRES_PASSWORD=pw']);

  test('the configured database is the one the app container names', () => {
    const v = compareAppDatabase('shop', [...web, ...db], 'database.name');
    assert.equal(v.status, 'match');
    assert.match(v.detail, /shop is the app's database \(DATABASE_URL of service web\)/);
  });

  test('another database is refused with the setting that fixes it; the password never appears', () => {
    const v = compareAppDatabase('postgres', [...web, ...db], 'database.name');
    assert.equal(v.status, 'mismatch');
    assert.match(v.detail, /ripcord\.yml names database postgres, but the app uses shop \(DATABASE_URL of service web names shop\)/);
    assert.equal(v.status === 'mismatch' && v.fix, 'set database.name: shop in ripcord.yml, then run `ripcord doctor`');
    assert.doesNotMatch(JSON.stringify(v), /pw/);
    const url = compareAppDatabase('postgres', web, 'database.url');
    assert.match(url.status === 'mismatch' ? url.fix : '', /set database\.url to the app's database \(…\/shop\)/);
  });

  test("the app's DATABASE_URL decides over the db service's POSTGRES_DB; POSTGRES_DB decides alone", () => {
    const other = databaseContainerClaims('db', ['POSTGRES_DB=postgres']);
    assert.equal(compareAppDatabase('shop', [...web, ...other], 'database.name').status, 'match');
    assert.equal(compareAppDatabase('app', db, 'database.name').status, 'mismatch');
    assert.match(compareAppDatabase('app', db, 'database.name').detail, /POSTGRES_DB of service db names shop/);
  });

  test('nothing names a database (the reference layout: APP_DB only): unknown, not refused', () => {
    const v = compareAppDatabase('app', [...appContainerClaims('web', ['APP_DB=app']), ...databaseContainerClaims('db', ['APP_DB=app'])], 'database.name');
    assert.equal(v.status, 'unknown');
    assert.match(v.detail, /could not be read \(ripcord\.yml names app\)/);
  });
});
