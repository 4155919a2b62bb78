// requestChannels: which text beside the body is scanned, under which id and role. Credential
// headers and query parameters are scanned too; only a credential-shaped value is `credential`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestChannels } from '../../../extension/gateway/channels';

test('transport headers are left out; every other header is a channel, credentials included', () => {
  const channels = requestChannels(
    '/v1/chat/completions',
    {
      host: '127.0.0.1:8080',
      'content-type': 'application/json',
      'content-length': '12',
      'accept-encoding': 'gzip',
      authorization: 'Bearer sk-test-client-key',
      'user-agent': 'OpenAI/JS 5.20.1',
      cookie: '__cf_bm=a1.b2; _cfuvid=c3',
      'x-api-key': 'read this: the whole plan',
      'x-note': ['one', 'two'],
    },
    'api.openai.com',
  );
  assert.deepEqual(channels, [
    ['@url', '/v1/chat/completions', 'other'],
    ['@header[0]', 'authorization: Bearer sk-test-client-key', 'credential'],
    ['@header[1]', 'user-agent: OpenAI/JS 5.20.1', 'other'],
    ['@header[2]', 'cookie: __cf_bm=a1.b2; _cfuvid=c3', 'credential'],
    ['@header[3]', 'x-api-key: read this: the whole plan', 'other'],
    ['@header[4]', 'x-note: one, two', 'other'],
  ]);
});

test('credential query parameters are channels of their own when credential-shaped; otherwise they stay in the URL text', () => {
  const channels = requestChannels('/v1beta/models/m:generateContent?alt=sse&key=AIzaSyD3mPq8Rt2Vx6Bz&access_token=two%20words&note=x', {});
  assert.deepEqual(channels, [
    ['@url', '/v1beta/models/m:generateContent?alt=sse&access_token=two words&note=x', 'other'],
    ['@query[0]', 'key=AIzaSyD3mPq8Rt2Vx6Bz', 'credential'],
  ]);
  assert.deepEqual(requestChannels('/v1/models?key=', {}), [['@url', '/v1/models?key=', 'other']]);
});

test('an Authorization scheme the known provider does not take is `other`; at an unknown destination it is a credential', () => {
  const basic = { authorization: 'Basic ZGVwbG95Omh1bnRlcjI=' };
  assert.equal(requestChannels('/v1/x', basic, 'api.openai.com')[1]?.[2], 'other');
  assert.equal(requestChannels('/v1/x', basic, 'llm.acme.internal')[1]?.[2], 'credential');
  assert.equal(requestChannels('/v1/x', { authorization: 'token gho_abc' }, 'api.github.com')[1]?.[2], 'credential');
  assert.equal(requestChannels('/v1/x', { authorization: 'token gho_abc' }, 'api.openai.com')[1]?.[2], 'other');
});
