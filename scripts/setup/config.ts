// npm run setup: arguments and environment (see docs/scripts.md).

import {
  ConfigError,
  DEFAULT_SCRATCH_ALIAS,
  type Env,
  boolOption,
  parseOptions,
  rinkelBaseUrl,
  stringOption,
  validateOrgName
} from '../core/config';
import { DEFAULT_RINKEL_BASE_URL } from '../clients/rinkel-api';

export const DEFAULT_DURATION_DAYS = 7;
export const DEFAULT_DEFINITION_FILE = 'config/project-scratch-def.json';

export const SETUP_USAGE = `npm run setup -- [options]

Creates a scratch org (or uses --target-org), deploys Rinkel for Salesforce, and configures it.

Options:
  --target-org <alias>       use this existing org instead of creating a scratch org
  --alias <alias>            scratch org alias (default ${DEFAULT_SCRATCH_ALIAS})
  --duration-days <1-30>     scratch org lifetime (default ${DEFAULT_DURATION_DAYS})
  --dev-hub <alias>          Dev Hub to create the scratch org with (default: your default Dev Hub)
  --definition-file <file>   scratch org definition (default ${DEFAULT_DEFINITION_FILE})
  --integration-user <user>  username that processes webhook events (default: you)
  --rotate-secret            generate a new webhook secret (re-register webhooks afterwards)
  --rotate-lookup-token      generate a new token for the VoIPGRID caller-id lookup URL (printed once)
  --force-deploy             deploy even when the sources did not change (ignores conflicts)
  --skip-sample-data         do not load the sample Weborders into a scratch org
  --register-webhooks        also register the webhooks at Rinkel (callEnd, callInsights)
  --all                      with --register-webhooks: all five events
  -h, --help                 show this help

Environment:
  RINKEL_API_KEY             Rinkel API key (required; stored only in the org's External Credential)
  RINKEL_API_BASE_URL        override ${DEFAULT_RINKEL_BASE_URL} (tests)`;

export interface SetupOptions {
  help: boolean;
  /** Existing org to configure; undefined = create or reuse the scratch org `alias`. */
  targetOrg?: string;
  alias: string;
  durationDays: number;
  devHub?: string;
  definitionFile: string;
  integrationUser?: string;
  rotateSecret: boolean;
  rotateLookupToken: boolean;
  forceDeploy: boolean;
  skipSampleData: boolean;
  registerWebhooks: boolean;
  allEvents: boolean;
  apiKey?: string;
  rinkelBaseUrl: string;
}

export function parseSetupArgs(argv: string[], env: Env): SetupOptions {
  const { values } = parseOptions(
    argv,
    {
      'target-org': { type: 'string', short: 'o' },
      alias: { type: 'string', short: 'a' },
      'duration-days': { type: 'string', short: 'y' },
      'dev-hub': { type: 'string', short: 'v' },
      'definition-file': { type: 'string', short: 'f' },
      'integration-user': { type: 'string' },
      'rotate-secret': { type: 'boolean' },
      'rotate-lookup-token': { type: 'boolean' },
      'force-deploy': { type: 'boolean' },
      'skip-sample-data': { type: 'boolean' },
      'register-webhooks': { type: 'boolean' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    SETUP_USAGE,
    false
  );
  const help = boolOption(values, 'help');
  const targetOrg = stringOption(values, 'target-org');
  const aliasFlag = stringOption(values, 'alias');
  if (targetOrg && aliasFlag) {
    throw new ConfigError(
      '--target-org and --alias cannot be combined.',
      'Use --target-org for an existing org, or --alias to name the scratch org setup creates.'
    );
  }
  const durationRaw = stringOption(values, 'duration-days');
  let durationDays = DEFAULT_DURATION_DAYS;
  if (durationRaw !== undefined) {
    durationDays = Number(durationRaw);
    if (!Number.isInteger(durationDays) || durationDays < 1 || durationDays > 30) {
      throw new ConfigError(
        `--duration-days "${durationRaw}" is not a whole number from 1 to 30.`,
        'Scratch orgs live 1 to 30 days, e.g. --duration-days 7.'
      );
    }
    if (targetOrg) {
      throw new ConfigError(
        '--duration-days only applies to a new scratch org.',
        'Drop --duration-days when using --target-org.'
      );
    }
  }
  if (boolOption(values, 'all') && !boolOption(values, 'register-webhooks')) {
    throw new ConfigError(
      '--all only makes sense with --register-webhooks.',
      'Add --register-webhooks, or run `npm run webhooks -- register --all` later.'
    );
  }
  const integrationUser = stringOption(values, 'integration-user');
  return {
    help,
    targetOrg: targetOrg ? validateOrgName(targetOrg, '--target-org') : undefined,
    alias: validateOrgName(aliasFlag ?? DEFAULT_SCRATCH_ALIAS, '--alias'),
    durationDays,
    devHub: stringOption(values, 'dev-hub'),
    definitionFile: stringOption(values, 'definition-file') ?? DEFAULT_DEFINITION_FILE,
    integrationUser: integrationUser
      ? validateOrgName(integrationUser, '--integration-user')
      : undefined,
    rotateSecret: boolOption(values, 'rotate-secret'),
    rotateLookupToken: boolOption(values, 'rotate-lookup-token'),
    forceDeploy: boolOption(values, 'force-deploy'),
    skipSampleData: boolOption(values, 'skip-sample-data'),
    registerWebhooks: boolOption(values, 'register-webhooks'),
    allEvents: boolOption(values, 'all'),
    apiKey: env.RINKEL_API_KEY?.trim() || undefined,
    rinkelBaseUrl: help ? DEFAULT_RINKEL_BASE_URL : rinkelBaseUrl(env)
  };
}
