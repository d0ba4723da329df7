import { ConfigError } from '../core/config';

/** The ConfigError `fn` throws (fails the test when it throws nothing or something else). */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('no ConfigError');
}
