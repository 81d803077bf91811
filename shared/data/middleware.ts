import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Doc = Record<string, unknown>;

/** DynamoDB's name of the operation a command sends ('GetItemCommand' in the SDK's context -> 'GetItem'). */
export const operationOf = (context: { commandName?: string }): string => (context.commandName ?? '').replace(/Command$/, '');

/**
 * Wraps every `send` of a document client: `around` sees DynamoDB's operation name and the
 * document-form input, may change the input (a copy: the caller's command keeps its own), must
 * call `next` once, and sees the document-form output. It sits in the SDK's initialize step, so it
 * runs once per send, outside the SDK's retries.
 */
export type Around = (operation: string, input: Doc, next: (input: Doc) => Promise<Doc>) => Promise<Doc>;

let unnamed = 0;

/** Adds `around` to the client's middleware stack; returns a function that removes it. */
export const intercept = (client: DynamoDBDocumentClient, around: Around, name = `yijianIntercept${++unnamed}`): (() => void) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      let result: Awaited<ReturnType<typeof next>> | undefined;
      const output = await around(operationOf(context), { ...(args.input as Doc) }, async (input) => {
        result = await next({ ...args, input: input as typeof args.input });
        return result.output as Doc;
      });
      if (!result) throw new Error(`middleware ${name} did not call next`);
      return { ...result, output: output as typeof result.output };
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
};
