// Runs `npm start` as a user does (the real command, in its own process group so Ctrl-C reaches
// npm, tsx and node as a terminal's would) and reads its start-up output: for the browser test.
import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '../core/paths';

export interface StartedProcess {
  child: ChildProcess;
  url: string;
  readySeconds: number;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Ctrl-C: SIGINT to the process group; resolves with npm's exit code or the signal it ended by. */
  interrupt(timeoutMs?: number): Promise<number | NodeJS.Signals | null>;
  /** Whether any process of the group (npm, tsx, node) is still running. */
  groupAlive(): boolean;
}

export async function startNpmStart(args: string[], timeoutMs = 120_000): Promise<StartedProcess> {
  const child = spawn('npm', ['start', '--silent', '--', ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' }
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal))
  );
  const groupAlive = (): boolean => {
    if (!child.pid) return false;
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const killGroup = (signal: NodeJS.Signals): void => {
    if (groupAlive() && child.pid) process.kill(-child.pid, signal);
  };

  const waitFor = (pattern: RegExp, wait = timeoutMs): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      const check = (): void => {
        const match = pattern.exec(text);
        if (match) {
          done();
          resolve(match);
        }
      };
      const onExit = (): void => {
        done();
        reject(new Error(`npm start exited before printing ${String(pattern)}:\n${text}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`npm start did not print ${String(pattern)} within ${wait} ms:\n${text}`));
      }, wait);
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });

  try {
    const ready = await waitFor(/Ready in (\d+(?:\.\d+)?) s/);
    const url = await waitFor(/Weborders\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    // The banner's last line: everything above it (secret, state) has been printed.
    await waitFor(/Ctrl-C stops everything/);
    return {
      child,
      url: url[1] ?? '',
      readySeconds: Number(ready[1]),
      output: () => text,
      waitFor,
      groupAlive,
      async interrupt(wait = 30_000) {
        if (child.exitCode === null && child.signalCode === null) killGroup('SIGINT');
        const timer = setTimeout(() => killGroup('SIGKILL'), wait);
        const code = await exited;
        clearTimeout(timer);
        // npm may end before its child has written the state: wait for the whole group.
        for (let i = 0; i < 100 && groupAlive(); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return code;
      }
    };
  } catch (error) {
    killGroup('SIGKILL');
    throw error;
  }
}
