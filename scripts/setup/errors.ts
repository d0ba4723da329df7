// How setup reports a failure: the step, the cause and the fix.

import { ConfigError } from '../core/config';
import { OrgApiError, SfCommandError, SfNotFoundError } from '../clients/org';
import { RinkelApiError } from '../clients/rinkel-api';

export interface Problem {
  cause: string;
  fix: string;
}

/** A failed step: what was being done, why it failed, and what to do about it. */
export class SetupStepError extends Error {
  override readonly name = 'SetupStepError';
  constructor(
    readonly step: string,
    readonly causeText: string,
    readonly fix: string
  ) {
    super(`Step "${step}" failed: ${causeText}`);
  }

  format(): string {
    return [
      `✖ Step "${this.step}" failed.`,
      `  Cause: ${this.causeText}`,
      `  Fix:   ${this.fix}`
    ].join('\n');
  }
}

/** Turns any error into cause + fix, with a step-specific default fix. */
export function explain(error: unknown, defaultFix: string, orgName?: string): Problem {
  if (error instanceof SetupStepError) {
    return { cause: error.causeText, fix: error.fix };
  }
  if (error instanceof ConfigError || error instanceof RinkelApiError) {
    return { cause: error.message, fix: error.fix };
  }
  if (error instanceof SfNotFoundError) {
    return {
      cause: error.message,
      fix: 'Run `npm ci` in the project folder (it installs the Salesforce CLI into node_modules/.bin).'
    };
  }
  if (error instanceof SfCommandError) {
    const login = orgName
      ? `sf org login web --alias ${orgName}`
      : 'sf org login web --alias <alias>';
    if (
      error.sfName &&
      /NamedOrgNotFound|NoAuthInfoFound|AuthInfoNotFound|InvalidSession|expired/i.test(
        `${error.sfName} ${error.message}`
      )
    ) {
      return {
        cause: `${error.command}: ${error.message}`,
        fix: `Log in again: \`${login}\`, then re-run setup.`
      };
    }
    return { cause: `${error.command}: ${error.message}`, fix: defaultFix };
  }
  if (error instanceof OrgApiError) {
    if (error.status === 401) {
      return {
        cause: error.message,
        fix: `The org session expired; log in again (\`sf org login web --alias ${orgName ?? '<alias>'}\`) and re-run.`
      };
    }
    if (error.status === 403 || error.errorCode === 'INSUFFICIENT_ACCESS') {
      return { cause: error.message, fix: 'Run setup as a System Administrator of the org.' };
    }
    return { cause: error.message, fix: defaultFix };
  }
  return { cause: error instanceof Error ? error.message : String(error), fix: defaultFix };
}
