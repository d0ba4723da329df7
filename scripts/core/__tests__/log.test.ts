import { createMemoryLogger, maskTokenQuery } from '../log';

describe('Logger', () => {
  it('masks registered secrets, also URL-encoded, and every token= value', () => {
    const { logger, text } = createMemoryLogger();
    logger.addSecret('s3cr+t/value==');
    logger.addSecret('rk_live_abcdef');

    logger.info('key rk_live_abcdef, secret s3cr+t/value== or s3cr%2Bt%2Fvalue%3D%3D');
    logger.error(
      'POST https://x.example/services/apexrest/rinkel/v1/callEnd?token=anything-else&b=1 failed'
    );

    expect(text()).toBe(
      'key ****, secret **** or ****\nPOST https://x.example/services/apexrest/rinkel/v1/callEnd?token=****&b=1 failed'
    );
  });

  it('ignores values too short to mask safely', () => {
    const { logger, text } = createMemoryLogger();
    logger.addSecret('ab');
    logger.addSecret(undefined);

    logger.info('a b ab');

    expect(text()).toBe('a b ab');
  });

  it('records step outcomes and prefixes "already done"', () => {
    const { logger, text } = createMemoryLogger();
    logger.step('Deploy').unchanged('sources unchanged');
    logger.step('Secret').changed('generated');

    expect(logger.changedSteps.map((s) => s.title)).toEqual(['Secret']);
    expect(text()).toContain('[1] Deploy\n    = already done: sources unchanged');
    expect(text()).toContain('[2] Secret\n    ✔ generated');
  });

  it('masks tokens up to the next delimiter only', () => {
    expect(maskTokenQuery('(https://a/b?token=abc), next')).toBe('(https://a/b?token=****), next');
  });
});
