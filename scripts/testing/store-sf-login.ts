// Test helper, run in a child process with HOME set: stores a login in the sf CLI's auth store
// the way `sf org login access-token --alias <alias>` does (through @salesforce/core itself).
//   tsx scripts/testing/store-sf-login.ts <alias> <instance-url> <access-token>
// In a child because core's file locks do not work inside jest's sandbox.
import { AuthInfo } from '@salesforce/core';

async function main(): Promise<void> {
  const [alias, instanceUrl, accessToken] = process.argv.slice(2);
  if (!alias || !instanceUrl || !accessToken)
    throw new Error('usage: <alias> <instance-url> <token>');
  const authInfo = await AuthInfo.create({
    accessTokenOptions: { accessToken, instanceUrl, loginUrl: instanceUrl }
  });
  await authInfo.save();
  await authInfo.setAlias(alias);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
