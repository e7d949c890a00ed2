import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, WorkflowEngine } from '../domain/ports';

/** Errors that mean "that token is no longer waiting": a stale or duplicate callback, harmless. */
const DEAD_TOKEN = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Set only by the local runtime's gateway: the local console (`http://127.0.0.1:<port>/console/`) stands in for the AWS one. */
export const LOCAL_CONSOLE_URL = 'TICKETFLOW_LOCAL_CONSOLE_URL';

export class SfnWorkflowEngine implements WorkflowEngine {
  constructor(
    private readonly sfn: SFNClient,
    readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: object): Promise<boolean> {
    try {
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return true;
    } catch (error) {
      // Already started under that name (Standard executions are idempotent by name; another input is refused as such).
      if ((error as Error).name === 'ExecutionAlreadyExists') return false;
      throw error;
    }
  }

  async sendSuccess(token: string, output: object): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (DEAD_TOKEN.has((error as Error).name)) return false;
      throw error;
    }
  }

  async describe(executionArn: string): Promise<{ status: ExecutionStatus; startDate: string } | null> {
    try {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return { status: out.status as ExecutionStatus, startDate: new Date(out.startDate ?? 0).toISOString() };
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return null;
      throw error;
    }
  }

  async stop(executionArn: string, cause: string): Promise<void> {
    await this.sfn.send(new StopExecutionCommand({ executionArn, cause }));
  }

  consoleUrl(executionArn: string): string {
    const local = process.env[LOCAL_CONSOLE_URL];
    if (local) return `${local}#/executions/${executionArn}`;
    const region = executionArn.split(':')[3];
    return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
  }
}
