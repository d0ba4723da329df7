// Progress output for the admin scripts. Every line passes through `mask` so a secret that
// was registered (API key, webhook secret, access token) can never reach the terminal or a
// CI log, even when it is embedded in an error message or a URL coming back from an API.

export type LineWriter = (line: string) => void;

const MASK = '****';
// Secrets shorter than this are not masked: replacing e.g. "a" everywhere would garble output.
const MIN_SECRET_LENGTH = 6;
const TOKEN_QUERY = /([?&]token=)[^&#\s"'<>(),;]+/gi;

/** `local`: the step only did local work (e.g. a build) and changed nothing in the org. */
export type StepOutcome = 'changed' | 'unchanged' | 'skipped' | 'local';

export interface StepRecord {
  title: string;
  outcome: StepOutcome;
  detail: string;
}

export class Logger {
  private readonly secrets = new Set<string>();
  readonly steps: StepRecord[] = [];

  constructor(
    private readonly out: LineWriter = (line) => process.stdout.write(`${line}\n`),
    private readonly err: LineWriter = (line) => process.stderr.write(`${line}\n`)
  ) {}

  /** Registers a value that must never be printed. */
  addSecret(value: string | undefined | null): void {
    if (value && value.length >= MIN_SECRET_LENGTH) {
      this.secrets.add(value);
    }
  }

  mask(text: string): string {
    let masked = text;
    // Longest first, so a secret that contains another is replaced whole.
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of ordered) {
      masked = masked.split(secret).join(MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) {
        masked = masked.split(encoded).join(MASK);
      }
    }
    return maskTokenQuery(masked);
  }

  info(message: string): void {
    this.out(this.mask(message));
  }

  /**
   * Prints a line unmasked. Only for a secret the admin must copy into another system right now
   * (the VoIPGRID lookup URL with its token), and only on the run that generated it: every other
   * line, and every later run, masks it.
   */
  reveal(message: string): void {
    this.out(message);
  }

  warn(message: string): void {
    this.err(this.mask(`! ${message}`));
  }

  error(message: string): void {
    this.err(this.mask(message));
  }

  /** Starts a numbered step; the step must end with changed(), unchanged() or skipped(). */
  step(title: string): StepReporter {
    const index = this.steps.length + 1;
    this.info(`\n[${index}] ${title}`);
    return new StepReporter(this, title);
  }

  /** Internal: called by StepReporter. */
  record(step: StepRecord): void {
    this.steps.push(step);
    const symbols: Record<StepOutcome, string> = {
      changed: '✔',
      unchanged: '=',
      skipped: '-',
      local: '·'
    };
    const symbol = symbols[step.outcome];
    this.info(`    ${symbol} ${step.detail}`);
  }

  get changedSteps(): StepRecord[] {
    return this.steps.filter((s) => s.outcome === 'changed');
  }
}

export class StepReporter {
  constructor(
    private readonly logger: Logger,
    readonly title: string
  ) {}

  progress(message: string): void {
    this.logger.info(`    … ${message}`);
  }

  changed(detail: string): void {
    this.logger.record({ title: this.title, outcome: 'changed', detail });
  }

  /** The step found everything already in place. */
  unchanged(detail: string): void {
    this.logger.record({
      title: this.title,
      outcome: 'unchanged',
      detail: `already done: ${detail}`
    });
  }

  local(detail: string): void {
    this.logger.record({ title: this.title, outcome: 'local', detail });
  }

  skipped(detail: string): void {
    this.logger.record({ title: this.title, outcome: 'skipped', detail: `skipped: ${detail}` });
  }
}

/** Replaces the value of every `token=` query parameter in a text with a mask. */
export function maskTokenQuery(text: string): string {
  return text.replace(TOKEN_QUERY, `$1${MASK}`);
}

/** A logger that keeps its output in memory; used by tests and by callers that post-process. */
export function createMemoryLogger(): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = new Logger(
    (line) => lines.push(line),
    (line) => lines.push(line)
  );
  return { logger, lines, text: () => lines.join('\n') };
}
