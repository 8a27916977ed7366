import type { Condition } from '../dsl/conditions.js';
import { StepProperty } from '../dsl/expressions.js';
import { Step, type StepOptions } from '../dsl/step.js';
import type { ArgumentTree, RenderContext } from './context.js';
import type { IamContext, IamDeclaring, StepIamNeeds } from './iam.js';
import { propertyFileReadNeeds } from './iam-needs.js';

/** Settings of a Condition step. */
export interface ConditionStepProps extends StepOptions {
  /** All must hold for the If branch to run (a conjunction). */
  readonly conditions: readonly Condition[];
  /** Steps that run when the conditions hold; rendered inside this step, not at the top level. */
  readonly ifSteps?: readonly Step[];
  /** Steps that run otherwise. */
  readonly elseSteps?: readonly Step[];
}

/** A step that evaluates conditions and runs one of two branches of steps. */
export class ConditionStep extends Step implements IamDeclaring {
  readonly type = 'Condition' as const;
  readonly localExecution = 'condition' as const;
  readonly properties: { readonly outcome: StepProperty<'Boolean'> };

  constructor(
    name: string,
    readonly props: ConditionStepProps,
  ) {
    super(name, props);
    this.properties = { outcome: new StepProperty(this, 'Outcome', 'Boolean') };
  }

  override nestedSteps(): readonly Step[] {
    return [...(this.props.ifSteps ?? []), ...(this.props.elseSteps ?? [])];
  }

  get ifSteps(): readonly Step[] {
    return this.props.ifSteps ?? [];
  }

  get elseSteps(): readonly Step[] {
    return this.props.elseSteps ?? [];
  }

  /**
   * Declares the step's permissions. SageMaker Pipelines evaluates the conditions itself, so only
   * the property files they read through `Std:JsonGet` need `s3:GetObject`. Branch steps declare
   * their own permissions.
   */
  iamNeeds(context: IamContext): StepIamNeeds {
    return { pipelineRole: propertyFileReadNeeds(context) };
  }

  renderArguments(context: RenderContext): ArgumentTree {
    const path = context.stepPath.child('arguments');
    if (this.props.conditions.length === 0) {
      context.report({
        code: 'EMPTY_CONDITIONS',
        path: path.child('conditions'),
        message: `condition step '${this.name}' has no conditions`,
        rule: 'a Condition step needs at least one condition',
        fix: 'add a condition, or replace the step by its If branch',
      });
    }
    return {
      Conditions: this.props.conditions.map((condition, index) => context.condition(condition, path.child('conditions', index))),
      IfSteps: this.ifSteps.map((step) => context.nested(step)),
      ElseSteps: this.elseSteps.map((step) => context.nested(step)),
    };
  }
}

/** Creates a Condition step; its branch steps are nested in it and must not be listed at the top level. */
export function conditionStep(name: string, props: ConditionStepProps): ConditionStep {
  return new ConditionStep(name, props);
}
