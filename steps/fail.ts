import type { Join } from '../dsl/expressions.js';
import { Step, type StepOptions } from '../dsl/step.js';
import type { ArgumentTree, RenderContext } from './context.js';
import type { IamContext, IamDeclaring, StepIamNeeds } from './iam.js';
import { propertyFileReadNeeds } from './iam-needs.js';

/** Settings of a Fail step. */
export interface FailStepProps extends StepOptions {
  /** Shown as the execution's failure reason; a join can include run-time values. */
  readonly errorMessage?: string | Join;
}

/** A step that stops the execution with status Failed. */
export class FailStep extends Step implements IamDeclaring {
  readonly type = 'Fail' as const;
  readonly localExecution = 'fail' as const;

  constructor(
    name: string,
    readonly props: FailStepProps = {},
  ) {
    super(name, props);
  }

  /** Declares the step's permissions: only `s3:GetObject` on property files its error message reads through `Std:JsonGet`. */
  iamNeeds(context: IamContext): StepIamNeeds {
    return { pipelineRole: propertyFileReadNeeds(context) };
  }

  renderArguments(context: RenderContext): ArgumentTree {
    const message = this.props.errorMessage ?? '';
    return { ErrorMessage: context.text(message, context.stepPath.child('arguments', 'errorMessage')) };
  }
}

/** Creates a Fail step. */
export function failStep(name: string, props: FailStepProps = {}): FailStep {
  return new FailStep(name, props);
}
