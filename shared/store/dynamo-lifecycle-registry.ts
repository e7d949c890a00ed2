import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { firstLifecycleRecord, type LifecycleRecord, type LifecycleRegistry, type WaitRegistration } from '../domain/ports';
import { ignoreCapacity, reportCapacity, withoutKeys, type CapacityListener } from './dynamo-client';
import { keys } from './table-design';

/**
 * The LIFECYCLE item in the ticket's partition. It is a separate item on
 * purpose: ticket writes replace the whole ticket item and must never erase a
 * token that the execution registered in between.
 */
export class DynamoLifecycleRegistry implements LifecycleRegistry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async get(tenantId: string, ticketId: string): Promise<LifecycleRecord | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.lifecycle(tenantId, ticketId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getLifecycle', 'read', out.ConsumedCapacity);
    return out.Item ? withoutKeys<LifecycleRecord>(out.Item) : null;
  }

  async create(tenantId: string, ticketId: string, executionArn: string): Promise<boolean> {
    const record = firstLifecycleRecord(executionArn);
    return this.conditional(
      'createLifecycle',
      () =>
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.lifecycle(tenantId, ticketId), entity: 'lifecycle', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
    );
  }

  registerWait(tenantId: string, ticketId: string, executionArn: string, wait: WaitRegistration) {
    const execution = wait.cycle !== undefined && wait.executionStartTime !== undefined;
    return this.update(
      'registerWait',
      tenantId,
      ticketId,
      'SET #state = :state, waitingCategory = :category, waitingSince = :since, taskToken = :token' +
        (execution ? ', #cycle = :cycle, executionStartTime = :started' : ' REMOVE #cycle, executionStartTime'),
      'executionArn = :arn',
      {
        ':state': wait.state,
        ':category': wait.category,
        ':since': wait.since,
        ':token': wait.token,
        ':arn': executionArn,
        ...(execution ? { ':cycle': wait.cycle, ':started': wait.executionStartTime } : {}),
      },
    );
  }

  takeToken(tenantId: string, ticketId: string, token: string) {
    return this.update('takeToken', tenantId, ticketId, 'SET taskToken = :null', 'taskToken = :token', { ':token': token, ':null': null });
  }

  markEnded(tenantId: string, ticketId: string, executionArn: string, state: string) {
    return this.update(
      'markEnded',
      tenantId,
      ticketId,
      'SET ended = :true, #state = :state, taskToken = :null, waitingCategory = :null',
      'executionArn = :arn',
      {
        ':true': true,
        ':state': state,
        ':null': null,
        ':arn': executionArn,
      },
    );
  }

  unmarkEnded(tenantId: string, ticketId: string, executionArn: string) {
    return this.update('unmarkEnded', tenantId, ticketId, 'SET ended = :false', 'executionArn = :arn AND ended = :true', {
      ':false': false,
      ':true': true,
      ':arn': executionArn,
    });
  }

  handOver(tenantId: string, ticketId: string, fromArn: string, toArn: string, generation: number) {
    return this.update(
      'handOver',
      tenantId,
      ticketId,
      'SET executionArn = :to, generation = :generation, ended = :false, taskToken = :null, #state = :null, waitingCategory = :null, waitingSince = :null, previousExecutions = list_append(previousExecutions, :from)',
      'executionArn = :fromArn',
      { ':to': toArn, ':generation': generation, ':false': false, ':null': null, ':from': [fromArn], ':fromArn': fromArn },
    );
  }

  private update(operation: string, tenantId: string, ticketId: string, expression: string, condition: string, values: Record<string, unknown>) {
    return this.conditional(
      operation,
      () =>
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.lifecycle(tenantId, ticketId),
          UpdateExpression: expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ...names(expression),
          ExpressionAttributeValues: values,
          ReturnConsumedCapacity: 'TOTAL',
        }),
    );
  }

  private async conditional(operation: string, command: () => PutCommand | UpdateCommand): Promise<boolean> {
    try {
      const out = await this.db.send(command() as UpdateCommand);
      reportCapacity(this.onCapacity, operation, 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** `state` and `cycle` are DynamoDB reserved words: named where an expression uses them. */
function names(expression: string) {
  const used = ['state', 'cycle'].filter((name) => expression.includes(`#${name}`));
  return used.length ? { ExpressionAttributeNames: Object.fromEntries(used.map((name) => [`#${name}`, name])) } : {};
}
