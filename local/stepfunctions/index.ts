export {
  type Clock,
  type ExecutionDescription,
  type ExecutionListItem,
  type ExecutionStateInfo,
  type ExecutionStatus,
  type HistoryEvent,
  type LambdaHandler,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StateMachineConfig,
} from './local-stepfunctions';
export { SfnApiError } from './errors';
