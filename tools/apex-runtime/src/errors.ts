/** Control-flow and error types shared by the interpreter, library and database. */
import type { AObj } from './values';

/** Something the runtime does not implement. Never caught by Apex code. */
export class Unsupported extends Error {
  constructor(
    readonly what: string,
    public file = '',
    public line = 0
  ) {
    super(what);
  }
  get where(): string {
    return `${this.file}:${this.line}`;
  }
}

/** An Apex exception in flight. */
export class ApexThrow {
  constructor(readonly ex: AObj) {}
}

/** A limit or other uncatchable platform error (System.LimitException, assertion failures). */
export class Uncatchable {
  constructor(readonly ex: AObj) {}
}

export interface Where {
  file: string;
  line: number;
}
