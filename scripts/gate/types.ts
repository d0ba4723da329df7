/** One problem a gate step found, pointing at a file (relative to the checked project) and line. */
export interface Finding {
  file: string;
  line: number;
  message: string;
}

export interface StepResult {
  /** False when the step found problems or could not run; the gate then fails. */
  ok: boolean;
  findings: Finding[];
  /** A one-line summary printed under the step name. */
  summary: string;
}

export interface GateContext {
  /** Root of the Salesforce DX project being checked (the repository, or a fixture project). */
  root: string;
}

export interface Step {
  id: string;
  title: string;
  run(context: GateContext): Promise<StepResult>;
}

export function result(
  findings: Finding[],
  summary: string,
  ok = findings.length === 0
): StepResult {
  return { ok, findings, summary };
}

export function formatFinding(finding: Finding): string {
  return `${finding.file}:${finding.line}: ${finding.message}`;
}
