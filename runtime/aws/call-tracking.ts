/**
 * Tracks the calls of an AWS SDK v3 client: which operation goes to which endpoint. A listener
 * learns when each call starts and ends, so a command can show what it is waiting on. An error
 * keeps the call it came from, so its message can name the endpoint that did not respond.
 */

/** One AWS call, from its first attempt to its last. */
export interface AwsCall {
  /** Service name of the client, such as `SageMaker` or `S3`. */
  readonly service: string;
  /** API operation, such as `DescribePipeline`. */
  readonly operation: string;
  /** Scheme, host and port the request goes to, such as `https://api.sagemaker.us-west-2.amazonaws.com`. */
  readonly endpoint: string;
}

/** Receives the start and the end (success or failure, after every retry) of each call. */
export interface AwsCallListener {
  started(call: AwsCall): void;
  finished(call: AwsCall): void;
}

/** The part of an SDK client that tracking needs. Every generated client has it. */
export interface TrackableClient {
  readonly middlewareStack: { add(...args: never[]): void };
}

/** The overload of `middlewareStack.add` for the build step, reduced to what is used here. */
interface BuildStepStack {
  add(middleware: (next: (args: BuildArguments) => Promise<unknown>, context: CommandContext) => (args: BuildArguments) => Promise<unknown>, options: { step: 'build'; name: string; override: boolean }): void;
}

interface BuildArguments {
  readonly request?: unknown;
}

interface CommandContext {
  readonly clientName?: string;
  readonly commandName?: string;
}

interface RequestTarget {
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
}

const callOfError = new WeakMap<object, AwsCall>();

/**
 * Adds the tracking middleware to `client` and returns the client. The middleware sits in the
 * build step, after the endpoint is resolved and outside the retry loop, so one call is
 * reported once however many attempts it takes.
 */
export function trackAwsCalls<Client extends TrackableClient>(client: Client, listener?: AwsCallListener): Client {
  // Each client types its stack with its own input and output unions, which a function shared
  // by every client cannot name, so the stack is narrowed to the build-step overload.
  const stack = client.middlewareStack as unknown as BuildStepStack;
  stack.add(
    (next, context) => async (args) => {
      const call = describeCall(args.request as RequestTarget | undefined, context);
      listener?.started(call);
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null) {
          callOfError.set(error, call);
        }
        throw error;
      } finally {
        listener?.finished(call);
      }
    },
    { step: 'build', name: 'sagepipeCallTracking', override: true },
  );
  return client;
}

/** Returns the call that raised `error`, when it came from a tracked client. */
export function failedCallOf(error: unknown): AwsCall | undefined {
  return typeof error === 'object' && error !== null ? callOfError.get(error) : undefined;
}

function describeCall(request: RequestTarget | undefined, context: CommandContext): AwsCall {
  const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
  const operation = (context.commandName ?? 'an AWS call').replace(/Command$/, '');
  const port = request?.port !== undefined ? `:${request.port}` : '';
  const endpoint = request?.hostname !== undefined ? `${request.protocol ?? 'https:'}//${request.hostname}${port}` : 'the AWS endpoint';
  return { service, operation, endpoint };
}
