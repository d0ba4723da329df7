// @salesforce/apex/<Class>.<method> on the local org: each import becomes a function that posts
// to /local/aura, where the product's controller runs in the offline runtime as the page's user.
// Errors reject with { body: { message, exceptionType }, status } as Lightning's do, so the
// components' own error handling is what shows them.

/** Lightning's rejection shape: an Error, as Lightning's own, with the body the components read. */
export class ApexError extends Error {
  constructor(
    readonly body: { message: string; exceptionType: string },
    readonly status: number,
    readonly statusText: string
  ) {
    super(body.message);
  }
}

export async function callApex(
  className: string,
  method: string,
  params: Record<string, unknown> | undefined
): Promise<unknown> {
  const state = window.__LOCAL__;
  let response: Response;
  try {
    response = await fetch('/local/aura', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ className, method, params: params ?? {}, as: state.username })
    });
  } catch (error) {
    throw new ApexError(
      {
        message: `The local org did not answer (${String(error)}). Is npm start still running?`,
        exceptionType: 'NetworkError'
      },
      0,
      'offline'
    );
  }
  const answer = (await response.json()) as
    | { ok: true; value: unknown }
    | { ok: false; error: { message: string; exceptionType: string; status: number } };
  if (answer.ok) {
    return answer.value;
  }
  throw new ApexError(
    { message: answer.error.message, exceptionType: answer.error.exceptionType },
    answer.error.status,
    answer.error.exceptionType
  );
}
