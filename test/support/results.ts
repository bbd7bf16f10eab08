/** Reading what an SDK call answered, for assertions. */

/** The `code` of a call's error envelope, or undefined when it succeeded. */
export const codeOf = (result: { error?: unknown }) => (result.error as { code?: string } | undefined)?.code;
