// Published signature test vectors shared by the package tests and the server's own tests.

/**
 * The TypeScript connector's own test vector (Aliyun's documented SingleSendMail example):
 * signed with secret `testsecret` and method POST it gives `TS_CONNECTOR_SIGNATURE`.
 */
export const TS_CONNECTOR_VECTOR = Object.freeze({
  AccessKeyId: 'testid',
  AccountName: "<a%b'>",
  Action: 'SingleSendMail',
  AddressType: '1',
  Format: 'XML',
  HtmlBody: '4',
  RegionId: 'cn-hangzhou',
  ReplyToAddress: 'true',
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  Subject: '3',
  TagName: '2',
  ToAddress: '1@test.com',
  Version: '2015-11-23',
  SignatureNonce: 'c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c',
  Timestamp: '2016-10-20T06:27:56Z',
});
export const TS_CONNECTOR_SIGNATURE = 'llJfXJjBW3OacrVgxxsITgYaYm0=';
